// @ts-check
// Every command, once: its usage, flags and example (for help and completion) and how to load
// it. Modules are imported only when their command runs, so `--version` and `--help` stay fast.

/** @typedef {import("./args.js").FlagSpec} FlagSpec */
/** @typedef {import("./context.js").Context} Context */

/**
 * @typedef {object} Command
 * @property {string} usage      what follows `skypanel`, e.g. `config:set KEY=VALUE…`
 * @property {string} summary
 * @property {Record<string, FlagSpec>} flags
 * @property {string} example
 * @property {(ctx: Context) => Promise<number | void>} run
 * @property {boolean} [stopAtPositional]
 * @property {string[]} [aliases]
 */

/** @type {Record<string, FlagSpec>} */
const APP = { app: { type: "string", short: "a", value: "APP", help: "the app (default: the one of the git remote named skypanel)" } };
/** @type {Record<string, FlagSpec>} */
const JSON_OUT = { json: { type: "boolean", help: "print the API's data as JSON" } };
/** @type {Record<string, FlagSpec>} */
const WAIT = { wait: { type: "boolean", help: "wait until the change is live (default; --no-wait returns at once)" } };
/** @type {Record<string, FlagSpec>} */
const STRATEGY = { strategy: { type: "string", value: "rolling|blue_green|canary", help: "how instances are replaced (default rolling)" } };
/** @type {Record<string, FlagSpec>} */
const CONFIRM = { confirm: { type: "string", value: "APP", help: "the app's name, to confirm a destructive change" } };

/** @type {Record<string, FlagSpec>} */
const HEROKU_TOKEN = {
  "heroku-token-stdin": {
    type: "boolean",
    help: "read the Heroku API token from stdin (else HEROKU_API_KEY, else a hidden prompt on a terminal; never a flag, which ps would show)",
  },
};
/** @type {Record<string, FlagSpec>} */
const IMPORT_FROM = {
  name: { type: "string", value: "NAME", help: "the SkyPanel app's name (default: the Heroku app's)" },
  git: { type: "string", value: "URL", help: "build from this git repository instead of the Heroku slug" },
  ref: { type: "string", value: "REF", help: "the branch, tag or commit of --git (default: its default branch)" },
  "no-data": {
    type: "string",
    multiple: true,
    value: "ADDON",
    help: "start this Heroku add-on (name or attachment, e.g. DATABASE) empty instead of from its latest backup; repeatable",
  },
};

/** @type {Record<string, Command>} */
export const COMMANDS = {
  apps: {
    usage: "apps",
    summary: "list your apps",
    flags: { ...JSON_OUT },
    example: "skypanel apps",
    run: (ctx) => import("./commands/apps.js").then((m) => m.list(ctx)),
  },
  "apps:create": {
    usage: "apps:create [NAME]",
    summary: "create an app (a generated name when none is given) and its skypanel git remote",
    flags: {
      team: { type: "string", short: "t", value: "TEAM_ID", help: "create it in this team" },
      remote: { type: "boolean", help: "add the skypanel git remote in this repository (default; --no-remote skips)" },
      ...JSON_OUT,
    },
    example: "skypanel apps:create my-app",
    aliases: ["create"],
    run: (ctx) => import("./commands/apps.js").then((m) => m.create(ctx)),
  },
  "apps:info": {
    usage: "apps:info",
    summary: "show an app: status, URL, release, instances",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel apps:info -a my-app",
    aliases: ["info"],
    run: (ctx) => import("./commands/apps.js").then((m) => m.info(ctx)),
  },
  "apps:rename": {
    usage: "apps:rename NEWNAME",
    summary: "rename an app (and its skypanel git remote)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel apps:rename new-name -a my-app",
    aliases: ["rename"],
    run: (ctx) => import("./commands/apps.js").then((m) => m.rename(ctx)),
  },
  "apps:destroy": {
    usage: "apps:destroy --confirm APP",
    summary: "delete an app, its releases and the add-ons it owns",
    flags: { ...APP, ...CONFIRM },
    example: "skypanel apps:destroy -a my-app --confirm my-app",
    aliases: ["destroy"],
    run: (ctx) => import("./commands/apps.js").then((m) => m.destroy(ctx)),
  },
  open: {
    usage: "open [PATH]",
    summary: "open the app in a browser (prints its URL when there is none)",
    flags: { ...APP },
    example: "skypanel open /status",
    run: (ctx) => import("./commands/open.js").then((m) => m.open(ctx)),
  },
  deploy: {
    usage: "deploy [DIR]",
    summary: "pack this directory (minus .gitignore, .slugignore and .git), build it and deploy it",
    flags: {
      ...APP,
      ...STRATEGY,
      ...WAIT,
      "override-reason": {
        type: "string",
        value: "REASON",
        help: "deploy even if the team blocks builds with critical vulnerability findings: why (audited, at most 500 characters)",
      },
      ...JSON_OUT,
    },
    example: "skypanel deploy --strategy blue_green",
    run: (ctx) => import("./commands/deploy.js").then((m) => m.deploy(ctx)),
  },
  "builds:vulnerabilities": {
    usage: "builds:vulnerabilities [BUILD]",
    summary: "show what a build's dependency scan found (default: the newest build; BUILD is its id or #number)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel builds:vulnerabilities 7",
    run: (ctx) => import("./commands/vulnerabilities.js").then((m) => m.buildVulnerabilities(ctx)),
  },
  "teams:deploy-policy": {
    usage: "teams:deploy-policy TEAM",
    summary: "show or set whether a team refuses deploys of builds with critical vulnerability findings",
    flags: {
      "block-critical": { type: "string", value: "on|off", help: "turn the block on or off (team owners and admins)" },
      ...JSON_OUT,
    },
    example: "skypanel teams:deploy-policy shop-team --block-critical on",
    run: (ctx) => import("./commands/vulnerabilities.js").then((m) => m.deployPolicy(ctx)),
  },
  releases: {
    usage: "releases",
    summary: "list an app's releases, newest first",
    flags: { ...APP, num: { type: "string", short: "n", value: "N", help: "show only the newest N" }, ...JSON_OUT },
    example: "skypanel releases -n 5",
    run: (ctx) => import("./commands/releases.js").then((m) => m.list(ctx)),
  },
  "releases:info": {
    usage: "releases:info [vN]",
    summary: "show one release (default: the current one)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel releases:info v3",
    run: (ctx) => import("./commands/releases.js").then((m) => m.info(ctx)),
  },
  "releases:rollback": {
    usage: "releases:rollback [vN]",
    summary: "run an earlier release again as a new release (default: the one before the current)",
    flags: { ...APP, ...STRATEGY, ...WAIT, ...JSON_OUT },
    example: "skypanel releases:rollback v1",
    aliases: ["rollback"],
    run: (ctx) => import("./commands/releases.js").then((m) => m.rollback(ctx)),
  },
  config: {
    usage: "config",
    summary: "show the config vars",
    flags: {
      ...APP,
      shell: { type: "boolean", short: "s", help: "print KEY='value' lines for a shell" },
      reveal: { type: "boolean", help: "show secret values too" },
      ...JSON_OUT,
    },
    example: "skypanel config --shell > .env",
    run: (ctx) => import("./commands/config.js").then((m) => m.show(ctx)),
  },
  "config:get": {
    usage: "config:get KEY",
    summary: "print one config var's value",
    flags: { ...APP, shell: { type: "boolean", short: "s", help: "print KEY='value'" }, ...JSON_OUT },
    example: "skypanel config:get DATABASE_URL",
    run: (ctx) => import("./commands/config.js").then((m) => m.get(ctx)),
  },
  "config:set": {
    usage: "config:set KEY=VALUE…",
    summary: "set config vars: a new release, rolled out",
    flags: { ...APP, ...WAIT, ...JSON_OUT },
    example: "skypanel config:set GREETING=hello LEVEL=debug",
    aliases: ["config:add"],
    run: (ctx) => import("./commands/config.js").then((m) => m.set(ctx)),
  },
  "config:unset": {
    usage: "config:unset KEY…",
    summary: "remove config vars: a new release, rolled out",
    flags: { ...APP, ...WAIT, ...JSON_OUT },
    example: "skypanel config:unset LEVEL",
    aliases: ["config:remove"],
    run: (ctx) => import("./commands/config.js").then((m) => m.unset(ctx)),
  },
  ps: {
    usage: "ps",
    summary: "show the formation and each instance",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel ps",
    run: (ctx) => import("./commands/ps.js").then((m) => m.list(ctx)),
  },
  "ps:scale": {
    usage: "ps:scale TYPE=N…",
    summary: "set how many instances of each process type run",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel ps:scale web=2 worker=1",
    aliases: ["scale"],
    run: (ctx) => import("./commands/ps.js").then((m) => m.scale(ctx)),
  },
  "ps:restart": {
    usage: "ps:restart",
    summary: "replace every instance with a fresh one (same release)",
    flags: { ...APP, ...STRATEGY, ...WAIT, ...JSON_OUT },
    example: "skypanel ps:restart",
    aliases: ["restart"],
    run: (ctx) => import("./commands/ps.js").then((m) => m.restart(ctx)),
  },
  logs: {
    usage: "logs",
    summary: "show the app's logs; --tail keeps following",
    flags: {
      ...APP,
      tail: { type: "boolean", short: "t", help: "keep following new lines" },
      num: { type: "string", short: "n", value: "N", help: "lines to show (default 100)" },
      ps: { type: "string", short: "p", value: "TYPE", help: "only this process type (web, worker…)" },
      since: { type: "string", value: "TIME", help: "only lines since an ISO time or 30s/10m/1h/2d ago" },
      level: { type: "string", value: "LEVELS", help: "only these levels: debug,info,warn,error" },
      search: {
        type: "string",
        short: "s",
        value: "QUERY",
        help: 'only lines the search finds: words, "a phrase", -word, -"phrase", level:error, status:500..599, process:web, instance:ID, since:30m',
      },
      ...JSON_OUT,
    },
    example: "skypanel logs --tail --ps web --search 'timeout -healthcheck status:5xx'",
    run: (ctx) => import("./commands/logs.js").then((m) => m.logs(ctx)),
  },
  "logs:retention": {
    usage: "logs:retention",
    summary: "show or set how long (--days) and how much (--size) of its log the app keeps",
    flags: {
      ...APP,
      days: { type: "string", value: "N", help: "delete lines older than N days (1-365)" },
      size: { type: "string", value: "SIZE", help: "keep the newest lines up to SIZE of text (e.g. 100MB, 1GiB; at least 1MiB)" },
      reset: { type: "boolean", help: "back to the platform's defaults" },
      ...JSON_OUT,
    },
    example: "skypanel logs:retention --days 14 --size 500MB",
    run: (ctx) => import("./commands/logs.js").then((m) => m.retention(ctx)),
  },
  autoscale: {
    usage: "autoscale",
    summary: "show the app's autoscaling policies and schedules",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel autoscale",
    run: (ctx) => import("./commands/autoscale.js").then((m) => m.show(ctx)),
  },
  "autoscale:set": {
    usage: "autoscale:set PROCESS",
    summary: "scale a process type on a metric: ceil(instances × metric ÷ target), within min and max",
    flags: {
      ...APP,
      min: { type: "string", value: "N", help: "the fewest instances" },
      max: { type: "string", value: "N", help: "the most instances" },
      metric: { type: "string", value: "METRIC", help: "cpu, memory (% of the limit), rps, p95 (web only) or custom" },
      target: { type: "string", value: "N", help: "what the metric should read per instance" },
      stabilization: { type: "string", value: "SECONDS", help: "scale down only after this long (10-3600, default 300)" },
      disable: { type: "boolean", help: "pause the policy (kept, not acted on)" },
      ...JSON_OUT,
    },
    example: "skypanel autoscale:set web --min 1 --max 6 --metric rps --target 50",
    run: (ctx) => import("./commands/autoscale.js").then((m) => m.set(ctx)),
  },
  "autoscale:events": {
    usage: "autoscale:events",
    summary: "the autoscaler's decisions, newest first, with their reasons",
    flags: { ...APP, num: { type: "string", short: "n", value: "N", help: "show only the newest N (default 20)" }, ...JSON_OUT },
    example: "skypanel autoscale:events -n 5",
    run: (ctx) => import("./commands/autoscale.js").then((m) => m.events(ctx)),
  },
  drains: {
    usage: "drains",
    summary: "list the app's log drains, with what each delivered",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel drains",
    run: (ctx) => import("./commands/drains.js").then((m) => m.list(ctx)),
  },
  "drains:add": {
    usage: "drains:add URL",
    summary: "send the app's logs also to syslog+tls://host:port or an https:// endpoint (NDJSON)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel drains:add syslog+tls://logs.example.com:6514",
    run: (ctx) => import("./commands/drains.js").then((m) => m.add(ctx)),
  },
  "drains:remove": {
    usage: "drains:remove ID|URL",
    summary: "stop sending the app's logs to a drain",
    flags: { ...APP },
    example: "skypanel drains:remove syslog+tls://logs.example.com:6514",
    run: (ctx) => import("./commands/drains.js").then((m) => m.remove(ctx)),
  },
  egress: {
    usage: "egress",
    summary: "show what the app's instances may reach outside the platform (deny, allow or an allowlist)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel egress",
    run: (ctx) => import("./commands/egress.js").then((m) => m.get(ctx)),
  },
  "egress:set": {
    usage: "egress:set deny|allow|allowlist [CIDR[:PORT[-PORT]]…]",
    summary: "set what the app's instances may reach outside the platform; running instances follow at once",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel egress:set allowlist 203.0.113.0/24:443 198.51.100.7",
    run: (ctx) => import("./commands/egress.js").then((m) => m.set(ctx)),
  },
  traffic: {
    usage: "traffic",
    summary: "show the app's traffic protection at the router: rate and concurrency limits per address, body size, WAF",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel traffic",
    run: (ctx) => import("./commands/traffic.js").then((m) => m.get(ctx)),
  },
  "traffic:set": {
    usage: "traffic:set",
    summary: "set the app's traffic protection; the router applies it within seconds (none clears a limit)",
    flags: {
      ...APP,
      rate: { type: "string", value: "N|none", help: "requests per minute per client address; more get 429" },
      burst: { type: "string", value: "N|none", help: "requests an address may send at once (default: the rate)" },
      concurrency: { type: "string", value: "N|none", help: "requests in flight at once per client address" },
      "max-body": { type: "string", value: "SIZE|none", help: "largest request body (e.g. 10MB); larger ones get 413" },
      waf: { type: "string", value: "off|detect|block", help: "the OWASP Core Rule Set: off, log matches, or refuse them (403)" },
      ...JSON_OUT,
    },
    example: "skypanel traffic:set --rate 120 --burst 20 --max-body 10MB --waf block",
    run: (ctx) => import("./commands/traffic.js").then((m) => m.set(ctx)),
  },
  "audit:verify": {
    usage: "audit:verify",
    summary: "check the audit log's hash chain (platform admins); exits 1 naming the first changed or orphaned row",
    flags: { ...JSON_OUT },
    example: "skypanel audit:verify",
    run: (ctx) => import("./commands/audit.js").then((m) => m.verify(ctx)),
  },
  "audit:export": {
    usage: "audit:export",
    summary: "print the audit log, oldest first, as JSON or CSV (platform admins)",
    flags: {
      format: { type: "string", value: "json|csv", help: "the output format (default json)" },
      since: { type: "string", value: "WHEN", help: "rows written at or after this: an ISO time or a duration back from now (2d)" },
      until: { type: "string", value: "WHEN", help: "rows written before this" },
      limit: { type: "string", value: "N", help: "at most this many rows (default 10000, at most 50000)" },
    },
    example: "skypanel audit:export --format csv --since 30d > audit.csv",
    run: (ctx) => import("./commands/audit.js").then((m) => m.exportLog(ctx)),
  },
  domains: {
    usage: "domains",
    summary: "list the app's custom domains",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel domains",
    run: (ctx) => import("./commands/domains.js").then((m) => m.list(ctx)),
  },
  "domains:add": {
    usage: "domains:add HOSTNAME",
    summary: "add a custom domain",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel domains:add www.example.com",
    run: (ctx) => import("./commands/domains.js").then((m) => m.add(ctx)),
  },
  "domains:remove": {
    usage: "domains:remove HOSTNAME",
    summary: "remove a custom domain",
    flags: { ...APP },
    example: "skypanel domains:remove www.example.com",
    run: (ctx) => import("./commands/domains.js").then((m) => m.remove(ctx)),
  },
  alerts: {
    usage: "alerts",
    summary: "list the app's alert rules and whether each is firing",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel alerts",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.list(ctx)),
  },
  "alerts:add": {
    usage: "alerts:add KIND",
    summary:
      "add an alert rule: latency_p95, error_rate_5xx, memory, crash_loop, instance_down, deploy_failed, certificate, autoscaler_max",
    flags: {
      ...APP,
      threshold: { type: "string", value: "N", help: "ms (latency_p95), % (error_rate_5xx, memory) or days (certificate)" },
      for: { type: "string", value: "SECONDS", help: "how long it must hold (or the 5xx rate's window)" },
      channel: { type: "string", multiple: true, value: "CHANNEL_ID", help: "a channel to notify; repeatable" },
      ...JSON_OUT,
    },
    example: "skypanel alerts:add latency_p95 --threshold 500 --for 300 --channel 1f0c…",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.add(ctx)),
  },
  "alerts:remove": {
    usage: "alerts:remove RULE_ID",
    summary: "remove an alert rule (its history stays)",
    flags: { ...APP },
    example: "skypanel alerts:remove 7d3e…",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.remove(ctx)),
  },
  "alerts:history": {
    usage: "alerts:history",
    summary: "alerts that fired and resolved, newest first",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel alerts:history",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.history(ctx)),
  },
  "alerts:channels": {
    usage: "alerts:channels",
    summary: "list the team's notification channels (the app's team unless --team)",
    flags: { ...APP, team: { type: "string", short: "t", value: "TEAM_ID", help: "the team (default: the app's)" }, ...JSON_OUT },
    example: "skypanel alerts:channels",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.channels(ctx)),
  },
  "alerts:channels:add": {
    usage: "alerts:channels:add NAME",
    summary: "add a notification channel: a signed webhook, a Slack-compatible webhook or email",
    flags: {
      ...APP,
      team: { type: "string", short: "t", value: "TEAM_ID", help: "the team (default: the app's)" },
      type: { type: "string", value: "webhook|slack|email", help: "the kind of channel (default webhook)" },
      url: { type: "string", value: "URL", help: "webhook and slack: where notices are POSTed" },
      to: { type: "string", multiple: true, value: "EMAIL", help: "email: a recipient; repeatable" },
      "smtp-url": { type: "string", value: "URL", help: "email: its own smtp(s):// server (default: the platform's)" },
      ...JSON_OUT,
    },
    example: "skypanel alerts:channels:add pager --type webhook --url https://hooks.example.com/skypanel",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.addChannel(ctx)),
  },
  "alerts:channels:remove": {
    usage: "alerts:channels:remove CHANNEL_ID",
    summary: "remove a notification channel",
    flags: { ...APP, team: { type: "string", short: "t", value: "TEAM_ID", help: "the team (default: the app's)" } },
    example: "skypanel alerts:channels:remove 1f0c…",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.removeChannel(ctx)),
  },
  "alerts:channels:test": {
    usage: "alerts:channels:test CHANNEL_ID",
    summary: "send a test notification through a channel now",
    flags: { ...APP, team: { type: "string", short: "t", value: "TEAM_ID", help: "the team (default: the app's)" }, ...JSON_OUT },
    example: "skypanel alerts:channels:test 1f0c…",
    run: (ctx) => import("./commands/alerts.js").then((m) => m.testChannel(ctx)),
  },
  addons: {
    usage: "addons",
    summary: "list the app's add-ons",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel addons",
    run: (ctx) => import("./commands/addons.js").then((m) => m.list(ctx)),
  },
  "addons:create": {
    usage: "addons:create postgresql|redis",
    summary: "create an add-on, attached as DATABASE_URL/REDIS_URL (or --as NAME)",
    flags: {
      ...APP,
      as: { type: "string", value: "NAME", help: "the config var name prefix (NAME_URL)" },
      plan: { type: "string", value: "PLAN", help: "the add-on's plan" },
      ...JSON_OUT,
    },
    example: "skypanel addons:create postgresql --as ANALYTICS",
    run: (ctx) => import("./commands/addons.js").then((m) => m.create(ctx)),
  },
  "addons:info": {
    usage: "addons:info ADDON",
    summary: "show an add-on (by name, id or attachment name)",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel addons:info DATABASE",
    run: (ctx) => import("./commands/addons.js").then((m) => m.info(ctx)),
  },
  "addons:destroy": {
    usage: "addons:destroy ADDON --confirm APP",
    summary: "destroy an add-on and its data",
    flags: { ...APP, ...CONFIRM },
    example: "skypanel addons:destroy DATABASE --confirm my-app",
    run: (ctx) => import("./commands/addons.js").then((m) => m.destroy(ctx)),
  },
  "addons:attach": {
    usage: "addons:attach [OWNER_APP::]ADDON",
    summary: "attach an add-on to the app (-a) as another config var",
    flags: { ...APP, as: { type: "string", value: "NAME", help: "the config var name prefix" }, ...JSON_OUT },
    example: "skypanel addons:attach api::postgresql-shiny-1234 -a worker --as SHARED_DB",
    run: (ctx) => import("./commands/addons.js").then((m) => m.attach(ctx)),
  },
  "addons:restore": {
    usage: "addons:restore ADDON --to-time TIME [--as NAME]",
    summary: "restore a PostgreSQL add-on as it was at TIME (point-in-time recovery) into a new add-on",
    flags: {
      ...APP,
      "to-time": { type: "string", value: "TIME", help: "ISO 8601 with a zone, inside the add-on's PITR window (addons:info)" },
      as: { type: "string", value: "NAME", help: "the new add-on's config var (default DATABASE_RESTORED_URL)" },
      ...WAIT,
      ...JSON_OUT,
    },
    example: "skypanel addons:restore DATABASE --to-time 2025-01-31T12:00:00Z",
    run: (ctx) => import("./commands/pitr.js").then((m) => m.restoreToTime(ctx)),
  },
  "pg:backups": {
    usage: "pg:backups [DATABASE]",
    summary: "list a PostgreSQL add-on's backups",
    flags: { ...APP, ...JSON_OUT },
    example: "skypanel pg:backups",
    run: (ctx) => import("./commands/pg.js").then((m) => m.list(ctx)),
  },
  "pg:backups:capture": {
    usage: "pg:backups:capture [DATABASE]",
    summary: "take a backup (pg_dump) now",
    flags: { ...APP, ...WAIT, ...JSON_OUT },
    example: "skypanel pg:backups:capture",
    run: (ctx) => import("./commands/pg.js").then((m) => m.capture(ctx)),
  },
  "pg:backups:restore": {
    usage: "pg:backups:restore BACKUP_ID [DATABASE] --confirm APP",
    summary: "restore a backup into the add-on, replacing its data",
    flags: { ...APP, ...CONFIRM, ...WAIT, ...JSON_OUT },
    example: "skypanel pg:backups:restore 6f1c… --confirm my-app",
    run: (ctx) => import("./commands/pg.js").then((m) => m.restore(ctx)),
  },
  run: {
    usage: "run COMMAND…",
    summary: "run a one-off process with the app's release and config, attached to this terminal",
    flags: {
      ...APP,
      detached: { type: "boolean", short: "d", help: "start it without attaching (output goes to the app's logs); prints its name" },
      timeout: { type: "string", value: "SECONDS", help: "stop it after this many seconds" },
      ...JSON_OUT,
    },
    example: "skypanel run -- node -e 'console.log(process.version)'",
    stopAtPositional: true,
    run: (ctx) => import("./commands/run.js").then((m) => m.run(ctx)),
  },
  login: {
    usage: "login",
    summary: "log in (email and password on a terminal, or an API token by --token or stdin) and keep the token in ~/.netrc",
    flags: { token: { type: "string", value: "TOKEN", help: "an API token (from the Account page or POST /api/tokens)" } },
    example: "skypanel login",
    aliases: ["auth:login"],
    run: (ctx) => import("./commands/auth.js").then((m) => m.login(ctx)),
  },
  logout: {
    usage: "logout",
    summary: "forget the stored token (and end its session on the server)",
    flags: {},
    example: "skypanel logout",
    aliases: ["auth:logout"],
    run: (ctx) => import("./commands/auth.js").then((m) => m.logout(ctx)),
  },
  tokens: {
    usage: "tokens",
    summary: "list your API tokens with their scope, expiry and last use",
    flags: { ...JSON_OUT },
    example: "skypanel tokens",
    run: (ctx) => import("./commands/tokens.js").then((m) => m.list(ctx)),
  },
  "tokens:create": {
    usage: "tokens:create NAME",
    summary: "make an API token for CI or a script; it is printed once",
    flags: {
      ...JSON_OUT,
      scope: {
        type: "string",
        value: "read|deploy|admin",
        help: "what it may do (default read; deploy also builds, deploys, scales and sets config)",
      },
      "expires-in-days": { type: "string", value: "DAYS", help: "when it stops working (default never)" },
    },
    example: "skypanel tokens:create ci --scope deploy --expires-in-days 90",
    run: (ctx) => import("./commands/tokens.js").then((m) => m.create(ctx)),
  },
  "tokens:revoke": {
    usage: "tokens:revoke ID",
    summary: "revoke an API token at once",
    flags: {},
    example: "skypanel tokens:revoke 0b1c…",
    run: (ctx) => import("./commands/tokens.js").then((m) => m.revoke(ctx)),
  },
  "platform:backup": {
    usage: "platform:backup [--to dir|s3] [--wait]",
    summary: "back up the whole platform (control database, keys under the passphrase, current builds, PostgreSQL add-ons); admins",
    flags: {
      to: { type: "string", value: "dir|s3", help: "the backup folder or the bucket (default: the bucket when set)" },
      wait: { type: "boolean", help: "follow it to the end and print where it went" },
      ...JSON_OUT,
    },
    example: "skypanel platform:backup --to s3 --wait",
    run: (ctx) => import("./commands/platform.js").then((m) => m.backup(ctx)),
  },
  "platform:backups": {
    usage: "platform:backups",
    summary: "list the platform's backups: status, size, location (restore: npm run restore on the new machine)",
    flags: { ...JSON_OUT },
    example: "skypanel platform:backups",
    run: (ctx) => import("./commands/platform.js").then((m) => m.list(ctx)),
  },
  sessions: {
    usage: "sessions",
    summary: "list where you are logged in (address, client, last seen), marking this session",
    flags: { ...JSON_OUT },
    example: "skypanel sessions",
    run: (ctx) => import("./commands/sessions.js").then((m) => m.list(ctx)),
  },
  "sessions:revoke": {
    usage: "sessions:revoke ID | --others",
    summary: "log one session out at once, or every session but this one",
    flags: { others: { type: "boolean", help: "end every session but the one this CLI uses" } },
    example: "skypanel sessions:revoke --others",
    run: (ctx) => import("./commands/sessions.js").then((m) => m.revoke(ctx)),
  },
  "auth:whoami": {
    usage: "auth:whoami",
    summary: "print the email of the account in use",
    flags: { ...JSON_OUT },
    example: "skypanel auth:whoami",
    aliases: ["whoami"],
    run: (ctx) => import("./commands/auth.js").then((m) => m.whoami(ctx)),
  },
  "git:remote": {
    usage: "git:remote -a APP",
    summary: "add (or point) the git remote named skypanel at the app",
    flags: { ...APP, remote: { type: "string", short: "r", value: "NAME", help: "the remote's name (default skypanel)" } },
    example: "skypanel git:remote -a my-app",
    run: (ctx) => import("./commands/git.js").then((m) => m.remote(ctx)),
  },
  "migrate:analyze": {
    usage: "migrate:analyze [HEROKU_APP]",
    summary: "show what a Heroku app has (config vars only counted); without one, the Heroku apps the token sees",
    flags: { ...HEROKU_TOKEN, ...JSON_OUT },
    example: "HEROKU_API_KEY=$(heroku auth:token) skypanel migrate:analyze my-heroku-app",
    run: (ctx) => import("./commands/migrate.js").then((m) => m.analyze(ctx)),
  },
  "migrate:plan": {
    usage: "migrate:plan HEROKU_APP [--name NAME] [--git URL [--ref REF]] [--no-data ADDON…]",
    summary: "show what importing a Heroku app would make, side by side, and what cannot come",
    flags: { ...IMPORT_FROM, ...HEROKU_TOKEN, ...JSON_OUT },
    example: "skypanel migrate:plan my-heroku-app --name shop --no-data DATABASE",
    run: (ctx) => import("./commands/migrate.js").then((m) => m.plan(ctx)),
  },
  "migrate:execute": {
    usage: "migrate:execute HEROKU_APP [--name NAME] [--git URL [--ref REF]] [--no-data ADDON…]",
    summary: "import a Heroku app and follow it to the end: its URL and the DNS records to make",
    flags: {
      ...IMPORT_FROM,
      ...HEROKU_TOKEN,
      wait: { type: "boolean", help: "follow the import until it ends (default; --no-wait prints its id and returns)" },
      ...JSON_OUT,
    },
    example: "skypanel migrate:execute my-heroku-app --name shop",
    run: (ctx) => import("./commands/migrate.js").then((m) => m.execute(ctx)),
  },
  "migrate:verify": {
    usage: "migrate:verify IMPORT_ID",
    summary: "show an import's steps; exit 0 only when it succeeded and its verify step passed",
    flags: { ...JSON_OUT },
    example: "skypanel migrate:verify 5b0e…",
    run: (ctx) => import("./commands/migrate.js").then((m) => m.verify(ctx)),
  },
  "migrate:rollback": {
    usage: "migrate:rollback IMPORT_ID [--confirm APP]",
    summary: "undo an import: delete the app it made (asks on a terminal; --confirm elsewhere)",
    flags: { ...CONFIRM, ...JSON_OUT },
    example: "skypanel migrate:rollback 5b0e… --confirm shop",
    run: (ctx) => import("./commands/migrate.js").then((m) => m.rollback(ctx)),
  },
  autocomplete: {
    usage: "autocomplete bash|zsh",
    summary: 'print a completion script: eval "$(skypanel autocomplete bash)"',
    flags: {},
    example: "skypanel autocomplete zsh >> ~/.zshrc",
    run: (ctx) => import("./commands/autocomplete.js").then((m) => m.autocomplete(ctx)),
  },
  help: {
    usage: "help [COMMAND]",
    summary: "show help for skypanel or one command",
    flags: {},
    example: "skypanel help deploy",
    run: async (ctx) => {
      const { commandHelp, generalHelp } = await import("./help.js");
      const name = ctx.args[0];
      ctx.out.line(name ? commandHelp(resolveCommand(name) ?? name) : generalHelp());
    },
  },
};

/** The command's canonical name for a name or alias, or null. */
export function resolveCommand(/** @type {string} */ name) {
  if (Object.hasOwn(COMMANDS, name)) return name;
  for (const [canonical, c] of Object.entries(COMMANDS)) if (c.aliases?.includes(name)) return canonical;
  return null;
}
