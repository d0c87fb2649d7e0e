# The nixpkgs toolchain set, for hosts that can fetch nixpkgs (a channel or a pinned tarball
# through NIX_PATH). Selected with SKYPANEL_TOOLCHAINS=nixpkgs. Not exercised on machines without
# access to cache.nixos.org: there, the host set is used.
{ pkgs ? import <nixpkgs> { } }:
let
  tools = [ pkgs.nodejs_20 pkgs.python311 pkgs.go pkgs.coreutils pkgs.bash pkgs.gnused pkgs.gnugrep pkgs.findutils ];
in
{
  name = "nixpkgs";
  PATH = pkgs.lib.makeBinPath tools;
  sandboxPaths = [ "/etc/ssl" ];
  inputs = tools;
}
