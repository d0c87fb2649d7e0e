// The files an export archive may hold, by exact name. Nothing else is ever extracted: no
// directories, no links, no other paths, so a hostile archive has nothing to steer.

export const MANIFEST_MEMBER = "manifest.json";
export const CONFIG_MEMBER = "config.sealed";
export const ARTIFACT_MEMBER = "artifact.closure";

/** The name part of `addons/<name>.dump`: the add-on's, lowercase, as add-on names are. */
const DUMP_MEMBER = /^addons\/([a-z0-9][a-z0-9-]{0,62})\.dump$/;

/** What manifest.json records of every other member. */
export interface MemberDigest {
  bytes: number;
  sha256: string;
}

export type MemberKind = "manifest" | "config" | "artifact" | "dump";

export function memberKind(name: string): MemberKind | null {
  if (name === MANIFEST_MEMBER) return "manifest";
  if (name === CONFIG_MEMBER) return "config";
  if (name === ARTIFACT_MEMBER) return "artifact";
  if (DUMP_MEMBER.test(name)) return "dump";
  return null;
}

export function isDumpMember(name: string): boolean {
  return memberKind(name) === "dump";
}

/** `addons/<name>.dump`, for an add-on named `name`. */
export function dumpMember(name: string): string {
  const member = `addons/${name}.dump`;
  if (!isDumpMember(member)) throw new RangeError(`"${name}" cannot name an add-on dump in an export.`);
  return member;
}
