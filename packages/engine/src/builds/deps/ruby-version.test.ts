import { describe, expect, it } from "vitest";
import { checkRubyVersion } from "./ruby-version.ts";

describe("the Ruby an app asks for, against the platform's 3.1.2", () => {
  it("honours a Gemfile ruby line or .ruby-version that 3.1.2 satisfies", () => {
    expect(checkRubyVersion('ruby "3.1.2"\ngem "rack"\n', null)).toBe(
      "Ruby 3.1.2, the platform's, satisfies 3.1.2 (the Gemfile's ruby line).",
    );
    expect(checkRubyVersion("ruby '~> 3.1'\n", null)).toMatch(/satisfies ~> 3\.1 /);
    expect(checkRubyVersion('ruby ">= 3.0", "< 3.3"\n', null)).toMatch(/satisfies >= 3\.0, < 3\.3 /);
    expect(checkRubyVersion('gem "rack"\n', "ruby-3.1\n")).toMatch(/satisfies 3\.1 \(\.ruby-version\)/);
    expect(checkRubyVersion('gem "rack"\n', null)).toBe("Ruby 3.1.2, the platform's (the app names no version).");
  });

  it("refuses one it does not satisfy, naming what the platform has", () => {
    expect(() => checkRubyVersion('ruby "3.3.0"\n', null)).toThrow(
      /the Gemfile's ruby line asks for Ruby 3\.3\.0, and this platform has Ruby 3\.1\.2 only/,
    );
    expect(() => checkRubyVersion("", "3.2.2\n")).toThrow(/\.ruby-version asks for Ruby 3\.2\.2/);
    expect(() => checkRubyVersion('ruby "~> 3.2"\n', null)).toThrow(/has Ruby 3\.1\.2/);
    // The Gemfile's line wins over .ruby-version, as Bundler enforces only it.
    expect(checkRubyVersion('ruby "~> 3.1"\n', "3.3.0\n")).toMatch(/satisfies ~> 3\.1/);
  });
});
