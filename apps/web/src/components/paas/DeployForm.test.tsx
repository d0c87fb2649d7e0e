import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { UploadArchive } from "../../lib/uploadArchive.ts";
import { UploadError } from "../../lib/uploadArchive.ts";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp } from "../../test/stubBackend.ts";
import { DeployForm } from "./DeployForm.tsx";
import type { AppDetail } from "./types.ts";

const app = {
  ...stubApp("web-shop"),
  role: "owner",
  releases: [],
  deployments: [],
  instances: [],
  domains: [],
  configVarCount: 0,
} as AppDetail;
const archive = (name: string, bytes: number) => new File([new Uint8Array(bytes)], name, { type: "application/gzip" });

function renderForm(upload?: UploadArchive, runtime: { mode?: null } = {}) {
  const backend = createStubBackend({ apps: [stubApp("web-shop")], runtime });
  renderWithBackend(<DeployForm app={app} upload={upload} />, { fetch: backend.fetch, url: "/paas/apps/web-shop/deployments" });
  return backend;
}

const location = () => screen.getByTestId("location").textContent;

describe("DeployForm (stub tRPC server behind fetch)", () => {
  it("says that the platform builds the source and that the running app changes only when a build is deployed", () => {
    renderForm();
    expect(screen.getByTestId("deploy-explainer").textContent).toMatch(
      /builds it reproducibly with Nix.*The running app changes only\s+when a succeeded build is deployed/,
    );
  });

  it("offers no deploy-when-built on a platform that runs no apps", async () => {
    const backend = renderForm(undefined, { mode: null });
    await waitFor(() => expect(backend.state.calls.some((c) => c.path === "deployments.overview")).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole("checkbox", { name: /Deploy when the build succeeds/ })).toBeNull();
  });

  it("shows the server's own error for a git URL it refuses, then opens the build it starts", async () => {
    const backend = renderForm();
    await userEvent.type(screen.getByRole("textbox", { name: "Repository URL" }), "ftp://example.com/app.git");
    await userEvent.click(screen.getByRole("button", { name: "Start build" }));
    expect((await screen.findByTestId("deploy-error")).textContent).toBe(
      '"ftp://example.com/app.git" is not a git URL this platform fetches (https:// only).',
    );

    await userEvent.clear(screen.getByRole("textbox", { name: "Repository URL" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Repository URL" }), "https://git.example.com/shop.git");
    await userEvent.type(screen.getByRole("textbox", { name: "Branch, tag or commit (optional)" }), "v1.2");
    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Strategy" }), "blue_green");
    await userEvent.click(screen.getByRole("button", { name: "Start build" }));
    await waitFor(() => expect(location()).toBe(`/paas/apps/web-shop/builds/${backend.state.builds[0]?.id}`));
    expect(backend.state.builds[0]?.source).toEqual({ type: "git", url: "https://git.example.com/shop.git", ref: "v1.2" });
    // "Deploy when the build succeeds" is ticked by default: the deployment is queued and waits for the build.
    expect(backend.state.runtime.deployments).toMatchObject([
      { status: "queued", strategy: "blue_green", options: { buildId: backend.state.builds[0]?.id } },
    ]);
  });

  it("queues no deployment when the box is unticked", async () => {
    const backend = renderForm();
    const box = await screen.findByRole("checkbox", { name: /Deploy when the build succeeds/ });
    expect((box as HTMLInputElement).checked).toBe(true);
    await userEvent.click(box);
    await userEvent.type(screen.getByRole("textbox", { name: "Repository URL" }), "https://git.example.com/shop.git");
    await userEvent.click(screen.getByRole("button", { name: "Start build" }));
    await waitFor(() => expect(location()).toBe(`/paas/apps/web-shop/builds/${backend.state.builds[0]?.id}`));
    expect(backend.state.runtime.deployments).toEqual([]);
  });

  it("accepts only non-empty .tar.gz, .tgz and .zip archives, showing the chosen file's size", async () => {
    renderForm();
    await userEvent.click(screen.getByRole("radio", { name: "Upload archive" }));
    const picker = screen.getByLabelText("Choose an archive");
    const start = screen.getByRole("button", { name: "Start build" }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);

    await userEvent.upload(picker, new File(["hello"], "notes.txt", { type: "text/plain" }), { applyAccept: false });
    expect(screen.getByTestId("archive-problem").textContent).toBe('"notes.txt" is not a .tar.gz, .tgz or .zip archive.');
    expect(start.disabled).toBe(true);

    await userEvent.upload(picker, archive("app.tar.gz", 0));
    expect(screen.getByTestId("archive-problem").textContent).toBe('"app.tar.gz" is empty.');

    await userEvent.upload(picker, archive("app.tgz", 2048));
    expect(screen.queryByTestId("archive-problem")).toBeNull();
    expect(screen.getByTestId("archive-chosen").textContent).toBe("app.tgz · 2.0 KiB");
    expect(start.disabled).toBe(false);
  });

  it("takes a dropped archive", async () => {
    renderForm();
    await userEvent.click(screen.getByRole("radio", { name: "Upload archive" }));
    fireEvent.drop(screen.getByTestId("archive-dropzone"), { dataTransfer: { files: [archive("site.zip", 5 * 1024 * 1024)] } });
    expect(screen.getByTestId("archive-chosen").textContent).toBe("site.zip · 5.0 MiB");
  });

  it("shows the upload's progress, then the server's error inline", async () => {
    let fail: (e: Error) => void = () => {};
    let report: (loaded: number, total: number) => void = () => {};
    renderForm((_app, _file, opts) => {
      report = opts.onProgress ?? report;
      return new Promise((_resolve, reject) => {
        fail = reject;
      });
    });
    await userEvent.click(screen.getByRole("radio", { name: "Upload archive" }));
    await userEvent.upload(screen.getByLabelText("Choose an archive"), archive("big.tar.gz", 4096));
    await userEvent.click(screen.getByRole("button", { name: "Start build" }));

    report(1024, 4096);
    expect((await screen.findByTestId("upload-progress")).textContent).toContain("Uploading… 25% (1.0 KiB of 4.0 KiB)");
    expect((screen.getByRole("progressbar", { name: "Upload progress" }) as HTMLProgressElement).value).toBe(1024);

    fail(new UploadError("The archive is larger than 200 MiB.", 413));
    expect((await screen.findByTestId("deploy-error")).textContent).toBe("The archive is larger than 200 MiB.");
    expect(screen.queryByTestId("upload-progress")).toBeNull();
    expect(location()).toBe("/paas/apps/web-shop/deployments");
  });

  it("opens the new build's page once the archive is accepted", async () => {
    const calls: string[] = [];
    renderForm(async (appName, file) => {
      calls.push(`${appName}:${file.name}`);
      return { id: "00000000-0000-4000-8000-000000000007", number: 7, status: "queued" };
    });
    await userEvent.click(screen.getByRole("radio", { name: "Upload archive" }));
    await userEvent.upload(screen.getByLabelText("Choose an archive"), archive("app.tar.gz", 100));
    await userEvent.click(await screen.findByRole("checkbox", { name: /Deploy when the build succeeds/ }));
    await userEvent.click(screen.getByRole("button", { name: "Start build" }));
    await waitFor(() => expect(location()).toBe("/paas/apps/web-shop/builds/00000000-0000-4000-8000-000000000007"));
    expect(calls).toEqual(["web-shop:app.tar.gz"]);
  });
});
