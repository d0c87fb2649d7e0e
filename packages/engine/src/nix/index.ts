export { checkCacheUrl, copyClosure, generateSigningKey, type SigningKey, signClosure, verifySignatures } from "./binary-cache.ts";
export { type NixBuildOptions, nixBuild } from "./build.ts";
export { type NixEnv, NixUnavailableError, prepareNix, type Toolchain } from "./env.ts";
export { collectGarbage, type GcOptions, type GcReport, optimiseStore } from "./gc.ts";
export { BUILDPACKS_DIR, NIX_STATE, REPO_NIX_DIR } from "./paths.ts";
export { addGeneration, type Generation, listGenerations, profilePath, switchGeneration } from "./profiles.ts";
export { addGcRoot, addToStore, isStorePath, isValid, type PathInfo, pathInfo, removeGcRoot, verifyPath } from "./store.ts";
