// Where Java builds get Maven artifacts: Maven Central, or the mirror the platform's settings name
// (SKYPANEL_MAVEN_REPOSITORY_URL, checked at start by the config module: see ../network.ts).
import { ValidationError } from "../../errors.ts";
import type { BuildNetwork } from "../network.ts";

export const MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";

export interface MavenRepository {
  /** Without a trailing slash and without credentials. */
  url: string;
  /** Credentials the URL carried, sent as the mirror's <server> entry. */
  username: string | null;
  password: string | null;
  /** In words for messages, never with the password. */
  name: string;
}

/** The repository the platform's settings name, else Maven Central. */
export function mavenRepository(network: BuildNetwork): MavenRepository {
  const configured = network.mavenRepositoryUrl;
  if (!configured) return { url: MAVEN_CENTRAL, username: null, password: null, name: "Maven Central" };
  let u: URL;
  try {
    u = new URL(configured);
  } catch {
    throw new ValidationError("SKYPANEL_MAVEN_REPOSITORY_URL is not a URL; the platform's operator must fix it.");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new ValidationError("SKYPANEL_MAVEN_REPOSITORY_URL must be an http(s) URL; the platform's operator must fix it.");
  const username = u.username ? decodeURIComponent(u.username) : null;
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.username = "";
  u.password = "";
  const url = u.toString().replace(/\/+$/, "");
  return { url, username, password, name: `the Maven repository ${u.host}${u.pathname.replace(/\/+$/, "")}` };
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * settings.xml for the fetch: every repository (Central, and any the pom declares) is reached
 * through this one, so nothing comes from a host the platform did not choose; no plugin groups,
 * no profiles of the machine's.
 */
export function mavenSettings(repo: MavenRepository, localRepository: string): string {
  const server =
    repo.username !== null
      ? `<servers><server><id>skypanel</id><username>${xml(repo.username)}</username><password>${xml(repo.password ?? "")}</password></server></servers>`
      : "";
  return [
    '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">',
    `  <localRepository>${xml(localRepository)}</localRepository>`,
    "  <interactiveMode>false</interactiveMode>",
    `  ${server}`,
    `  <mirrors><mirror><id>skypanel</id><mirrorOf>*</mirrorOf><url>${xml(repo.url)}</url></mirror></mirrors>`,
    "</settings>",
    "",
  ].join("\n");
}
