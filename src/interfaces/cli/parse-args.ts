/** A CLI error: printed as one line, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ParsedArgs {
  positional: string[];
  flags: {
    string(name: string): string | undefined;
    int(name: string, fallback: number): number;
    bool(name: string): boolean;
  };
}

/** `--name value`, `--name=value` and bare `--flag`; nothing clever. */
export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) values.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) values.set(name, argv[++i]);
    else values.set(name, true);
  }
  return {
    positional,
    flags: {
      string: (name) => {
        const v = values.get(name);
        if (v === true) throw new CliError(`--${name} needs a value`, 2);
        return v;
      },
      int: (name, fallback) => {
        const v = values.get(name);
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer`, 2);
        return n;
      },
      bool: (name) => values.get(name) === true,
    },
  };
}
