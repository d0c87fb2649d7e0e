// Getting an app's source onto disk, safely: uploaded archives, git fetches, and git pushes.
export { type ArchiveFormat, extractArchive, sniffArchive } from "./archive.ts";
export * from "./errors.ts";
export { type FetchedSource, type FetchGitOptions, fetchGit, type GitSource } from "./git.ts";
export { DEFAULT_MAX_FETCH_BYTES } from "./git-fetch-cap.ts";
export { checkGitSourceDestination } from "./git-guard.ts";
export { ensureAppRepo, exportTree, type GitHttpRequest, type GitHttpResponse, type RefUpdate, serveGitHttp } from "./git-http.ts";
export { checkGitRef, checkGitUrl } from "./git-url.ts";
export { DEFAULT_SOURCE_LIMITS, type SourceLimits } from "./limits.ts";
export type { ExtractResult } from "./tree-writer.ts";
