import { fileURLToPath } from "node:url";

/** The repository's nix/ and buildpacks/ folders, found from this file so any cwd works. */
export const REPO_NIX_DIR = fileURLToPath(new URL("../../../../nix/", import.meta.url));
export const BUILDPACKS_DIR = fileURLToPath(new URL("../../../../buildpacks/", import.meta.url));

/** Where SkyPanel keeps its own GC roots and app profiles inside the Nix state directory. */
export const NIX_STATE = {
  gcRoots: "/nix/var/nix/gcroots/skypanel",
  profiles: "/nix/var/nix/profiles/skypanel",
};
