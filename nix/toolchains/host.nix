# The host toolchain set: the machine's own Debian packages (node, npm, python3, go, java, …),
# seen by sandboxed builds through sandbox-paths, read-only to the unprivileged build users.
# Used where nixpkgs cannot be fetched (no cache.nixos.org), which is the default.
{ }:
{
  name = "host";
  PATH = "/usr/local/bin:/usr/bin:/bin";
  # Everything a build may see of the host. Never the platform's data ($SKYPANEL_HOME) or /root.
  # Debian's JDK 17 and Maven keep part of themselves in /etc (jvm.cfg, security; m2.conf, logging),
  # PHP its ini files (which load its extensions);
  # "?": a machine without them still builds the other stacks.
  sandboxPaths = [ "/bin" "/usr" "/lib" "/lib64" "/etc/ssl" "/etc/alternatives" "/etc/ca-certificates" "/etc/java-17-openjdk?" "/etc/maven?" "/etc/php?" ];
}
