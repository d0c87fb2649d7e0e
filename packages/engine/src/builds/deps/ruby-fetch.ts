// The Ruby script that fetches a Gemfile.lock's gems from the mirror, run by ruby as the
// unprivileged user (deps/ruby.ts). It resolves nothing: it downloads exactly the files the lock
// names (<mirror>/gems/<name>-<version>[-<platform>].gem, every platform the lock lists), checks
// each one's own checksums and that it is the gem asked for, and its SHA-256 against the mirror's
// compact index (/info/<name>) when the mirror serves one. One line per gem on stdout:
// "verified|unverified <gem>"; and "missing <gem>…", "mismatch <gem>", "damaged <gem>: <why>" or
// "unreachable <why>" before a non-zero exit. Net::HTTP takes the proxy from http_proxy/https_proxy.
export const FETCH_GEMS = `
require "bundler"; require "net/http"; require "uri"; require "digest"; require "rubygems/package"
lock = Bundler::LockfileParser.new(File.read(ARGV[0]))
dest = ARGV[1]
base = URI(ENV.fetch("SKYPANEL_MIRROR").sub(%r{/*\\z}, "/"))
user = base.user && URI.decode_www_form_component(base.user)
pass = base.password && URI.decode_www_form_component(base.password)
base.user = nil
def get(uri, login, limit = 4)
  req = Net::HTTP::Get.new(uri)
  req.basic_auth(*login) if login
  res = Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https", open_timeout: 30, read_timeout: 300) { |h| h.request(req) }
  return res unless res.is_a?(Net::HTTPRedirection) && limit > 0
  to = uri + res["location"]
  get(to, to.host == uri.host ? login : nil, limit - 1)
end
login = user && [user, pass.to_s]
infos = {}
missing = []
begin
  lock.specs.select { |s| s.source.is_a?(Bundler::Source::Rubygems) }.each do |s|
    full = s.full_name
    res = get(base + "gems/#{full}.gem", login)
    if %w[403 404 410].include?(res.code) then missing << full; next end
    abort "unreachable #{base} answered HTTP #{res.code} for #{full}.gem" unless res.is_a?(Net::HTTPSuccess)
    file = File.join(dest, "#{full}.gem")
    File.binwrite(file, res.body)
    begin
      pkg = Gem::Package.new(file)
      pkg.verify
      raise "it is #{pkg.spec.full_name}" unless pkg.spec.full_name == full
    rescue StandardError => e
      puts "damaged #{full}: #{e.message}"; exit 3
    end
    info = (infos[s.name] ||= begin
      r = get(base + "info/#{s.name}", login)
      r.is_a?(Net::HTTPSuccess) ? r.body : ""
    end)
    want = full.delete_prefix("#{s.name}-")
    sum = info.lines.find { |l| l.split(" ", 2)[0] == want }&.[](/checksum:([0-9a-f]{64})/, 1)
    if sum.nil? then puts "unverified #{full}"
    elsif sum == Digest::SHA256.file(file).hexdigest then puts "verified #{full}"
    else puts "mismatch #{full}"; exit 3
    end
  end
rescue SystemCallError, IOError, Timeout::Error, OpenSSL::SSL::SSLError, Net::HTTPBadResponse => e
  puts "unreachable #{e.message}"; exit 4
end
unless missing.empty?
  puts "missing #{missing.join(" ")}"; exit 2
end
`;
