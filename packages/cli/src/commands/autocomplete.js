// @ts-check
// autocomplete bash|zsh: a completion script for commands and their flags, from the table.
import { UsageError } from "../errors.js";
import { COMMANDS } from "../registry.js";

/** @typedef {import("../context.js").Context} Context */

function flagWords(/** @type {string} */ name) {
  const flags = COMMANDS[name]?.flags ?? {};
  return ["--help", ...Object.keys(flags).map((f) => `--${f}`)].join(" ");
}

const names = () => Object.entries(COMMANDS).flatMap(([name, c]) => [name, ...(c.aliases ?? [])]);

export function bashScript() {
  const cases = Object.keys(COMMANDS)
    .map((name) => `    ${[name, ...(COMMANDS[name]?.aliases ?? [])].join("|")}) flags="${flagWords(name)}" ;;`)
    .join("\n");
  // COMP_WORDBREAKS holds ':', so `config:s` is completed on the part after the colon.
  return `# skypanel completion for bash: eval "$(skypanel autocomplete bash)"
_skypanel() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" line="\${COMP_LINE:0:\${COMP_POINT}}"
  local words=(\${line}) cmd="\${words[1]}"
  [[ "\${line}" == *" " ]] && words+=("")
  if (( \${#words[@]} <= 2 )); then
    local prefix="\${words[1]}"
    local colon="\${prefix%"\${prefix##*:}"}"
    COMPREPLY=( $(compgen -W "${names().join(" ")}" -- "\${prefix}") )
    COMPREPLY=( "\${COMPREPLY[@]#"\${colon}"}" )
    return
  fi
  local flags=""
  case "\${cmd}" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "\${flags}" -- "\${cur}") )
}
complete -F _skypanel skypanel
`;
}

export function zshScript() {
  const commands = Object.entries(COMMANDS)
    .flatMap(([name, c]) =>
      [name, ...(c.aliases ?? [])].map((n) => `    '${n.replaceAll(":", "\\:")}:${c.summary.replaceAll("'", "'\\''")}'`),
    )
    .join("\n");
  const cases = Object.keys(COMMANDS)
    .map((name) => `    ${[name, ...(COMMANDS[name]?.aliases ?? [])].join("|")}) _values 'flag' ${flagWords(name).split(" ").join(" ")} ;;`)
    .join("\n");
  return `#compdef skypanel
# skypanel completion for zsh: eval "$(skypanel autocomplete zsh)" (after compinit)
_skypanel() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _skypanel skypanel
`;
}

export async function autocomplete(/** @type {Context} */ ctx) {
  const shell = ctx.args[0];
  if (shell === "bash") ctx.out.line(bashScript());
  else if (shell === "zsh") ctx.out.line(zshScript());
  else throw new UsageError(`Give the shell: bash or zsh${shell ? `, not "${shell}"` : ""}.`);
}
