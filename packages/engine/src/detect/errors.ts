// Errors detection throws. Both are ValidationErrors: the source the user pushed is at fault,
// and the message says which file and what to change.
import { ValidationError } from "../errors.ts";

/** A file in the source is unreadable, too big, not text, or says something detection cannot accept. */
export class InvalidSourceFileError extends ValidationError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`, { file });
  }
}

/** Nothing in the source says which stack it is. */
export class UnknownStackError extends ValidationError {
  constructor(lookedFor: readonly string[], hasProcfile: boolean) {
    const procfileNote = hasProcfile ? " A Procfile alone does not say which toolchain to install." : "";
    super(
      `Could not tell how to build this app: none of ${lookedFor.join(", ")} was found at the top of the source.${procfileNote} ` +
        "Add the manifest of your language (for example package.json or requirements.txt) or a Dockerfile.",
      { lookedFor },
    );
  }
}
