/** A column of a table: its heading and how a row shows in it. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/**
 * What a command prints. Results go to stdout: with `--json` one JSON document (lists as
 * `{items: [...]}`), otherwise aligned tables or `key: value` lines. Diagnostics and progress go to
 * stderr, so `--json` output can be piped as it is.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr,
  ) {}

  list<T>(items: readonly T[], columns: readonly Column<T>[]): void {
    if (this.json) return this.document({ items });
    if (items.length === 0) return this.info('(none)');
    this.stdout.write(table(items, columns));
  }

  /** One object: JSON as it is, or the chosen fields as aligned `key: value` lines. */
  item<T>(value: T, fields: readonly Column<T>[]): void {
    if (this.json) return this.document(value);
    const width = Math.max(...fields.map((f) => f.header.length));
    for (const f of fields) this.stdout.write(`${(f.header + ':').padEnd(width + 2)}${cell(f.value(value))}\n`);
  }

  document(value: unknown): void {
    this.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** A plain result line (a secret, a key): stdout, the same with and without --json. */
  line(text: string): void {
    this.stdout.write(text + '\n');
  }

  info(message: string): void {
    this.stderr.write(message + '\n');
  }

  /** Whether stderr is a terminal (a progress line can then be redrawn in place). */
  get interactive(): boolean {
    return (this.stderr as NodeJS.WriteStream).isTTY === true;
  }

  /** Progress: redrawn in place on a terminal, one line per change otherwise. */
  progress(text: string): void {
    if (this.interactive) this.stderr.write(`\r\x1b[K${text.slice(0, ((this.stderr as NodeJS.WriteStream).columns ?? 100) - 1)}`);
    else this.stderr.write(text + '\n');
  }

  endProgress(): void {
    if (this.interactive) this.stderr.write('\r\x1b[K');
  }
}

export function table<T>(items: readonly T[], columns: readonly Column<T>[]): string {
  const cells = items.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const render = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd() + '\n';
  return render(columns.map((c) => c.header.toUpperCase())) + cells.map(render).join('');
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
}
