/**
 * The one place argv becomes a shell command line: every argument is single-quoted (POSIX), a single
 * quote inside becomes '\''. Nothing is ever interpreted by the remote shell — no $(…), `…`, globs,
 * ;, newlines or variables.
 */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('shellQuote: empty argv');
  return argv.map(quoteArg).join(' ');
}

export function quoteArg(arg: string): string {
  if (typeof arg !== 'string') throw new TypeError('shellQuote: arguments must be strings');
  if (arg.includes('\0')) throw new Error('shellQuote: NUL byte in argument');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
