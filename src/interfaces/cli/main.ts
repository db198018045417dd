import 'reflect-metadata';
// Everything this process creates (database, WAL, keys, backups, anchors, the login file) is private to its user.
process.umask(0o077);
import { CommanderError } from 'commander';
import { CliError } from './cli-error';
import { buildProgram } from './program';

/** Runs one CLI command; errors become one line on stderr and a non-zero exit code. */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // Usage errors are thrown, not printed by commander, so every error leaves the same way (below).
  program.exitOverride().configureOutput({ outputError: () => undefined });
  for (const command of program.commands) applyToTree(command);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        process.exitCode = 2;
        return;
      }
      throw new CliError(error.message.replace(/^error: /, ''), 2);
    }
    throw error;
  }
}

function applyToTree(command: import('commander').Command): void {
  command.exitOverride().configureOutput({ outputError: () => undefined }).helpCommand(false);
  for (const sub of command.commands) applyToTree(sub);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = message.split('\n');
  process.stderr.write(`pressluft: ${first}\n${error instanceof CliError && rest.length ? rest.join('\n') + '\n' : ''}`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
