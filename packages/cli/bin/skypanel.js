#!/usr/bin/env node
// @ts-check
// Start-up time matters (`--version` and `--help` in well under 100 ms): `--version` is
// answered here from one small module; everything else goes through main.js, which loads
// each command's code only when that command runs.
const argv = process.argv.slice(2);
let code = 0;
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  const { version } = await import("../src/version.js");
  process.stdout.write(`${version()}\n`);
} else {
  const { main } = await import("../src/main.js");
  code = await main(argv);
}
// Exit once stdout has taken everything: a finished command may leave idle keep-alive sockets.
process.stdout.write("", () => process.exit(code));

export {};
