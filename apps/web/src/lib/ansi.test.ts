import { describe, expect, it } from "vitest";
import { parseAnsi, stripAnsi } from "./ansi.ts";

const ESC = "\u001b";

describe("parseAnsi", () => {
  it("leaves text without escapes as one plain segment", () => {
    expect(parseAnsi("added 68 packages")).toEqual([{ text: "added 68 packages", fg: null, bg: null, bold: false }]);
  });

  it("reads the 8 standard and 8 bright foreground colours, and backgrounds", () => {
    expect(parseAnsi(`${ESC}[31mred${ESC}[92mbright green${ESC}[44mon blue`)).toEqual([
      { text: "red", fg: 1, bg: null, bold: false },
      { text: "bright green", fg: 10, bg: null, bold: false },
      { text: "on blue", fg: 10, bg: 4, bold: false },
    ]);
  });

  it("combines bold with a colour, and resets with 0, an empty SGR, 22 and 39", () => {
    expect(
      parseAnsi(`${ESC}[1;33mwarn${ESC}[0m plain ${ESC}[1mbold${ESC}[22m${ESC}[35mnot bold${ESC}[39mdefault${ESC}[1;36mx${ESC}[my`),
    ).toEqual([
      { text: "warn", fg: 3, bg: null, bold: true },
      { text: " plain ", fg: null, bg: null, bold: false },
      { text: "bold", fg: null, bg: null, bold: true },
      { text: "not bold", fg: 5, bg: null, bold: false },
      { text: "default", fg: null, bg: null, bold: false },
      { text: "x", fg: 6, bg: null, bold: true },
      { text: "y", fg: null, bg: null, bold: false },
    ]);
  });

  it("maps the first 16 of the 256 colours, skips true colour, and drops other escape sequences", () => {
    expect(parseAnsi(`${ESC}[38;5;9mA${ESC}[38;2;10;20;30mB${ESC}[2K${ESC}[1GC`)).toEqual([{ text: "ABC", fg: 9, bg: null, bold: false }]);
    expect(parseAnsi(`${ESC}[38;5;200mD`)).toEqual([{ text: "D", fg: null, bg: null, bold: false }]);
  });

  it("keeps markup as text: parsing never produces anything but strings and styles", () => {
    const segments = parseAnsi(`${ESC}[31m<script>alert(1)</script>${ESC}[0m<b>x</b>`);
    expect(segments.map((s) => s.text).join("")).toBe("<script>alert(1)</script><b>x</b>");
  });

  it("strips every escape for downloads", () => {
    expect(stripAnsi(`${ESC}[1;32m✓${ESC}[0m done${ESC}[K`)).toBe("✓ done");
  });
});
