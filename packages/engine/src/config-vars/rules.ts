import { InvalidConfigKeyError, ValidationError } from "../errors.ts";

export const CONFIG_KEY_RULE =
  "A config var name is 1 to 255 characters: letters, digits and underscores, not starting with a digit (POSIX).";
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_VALUE_BYTES = 32 * 1024;
export const MAX_VARS_PER_CHANGE = 500;

export function checkConfigKey(key: string): string {
  if (key.length > 255 || !CONFIG_KEY.test(key)) {
    const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
    throw new InvalidConfigKeyError(`"${shown}" is not a valid config var name. ${CONFIG_KEY_RULE}`, { rule: CONFIG_KEY_RULE });
  }
  return key;
}

export function checkConfigValue(key: string, value: unknown): string {
  if (typeof value !== "string") throw new ValidationError(`The value of ${key} must be a string.`);
  // A NUL byte cannot pass through an environment variable.
  if (value.includes("\0")) throw new ValidationError(`The value of ${key} contains a NUL byte, which an environment cannot hold.`);
  if (Buffer.byteLength(value, "utf8") > MAX_VALUE_BYTES) {
    throw new ValidationError(`The value of ${key} is larger than ${MAX_VALUE_BYTES / 1024} KiB.`);
  }
  return value;
}
