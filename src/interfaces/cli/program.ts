import { Command } from 'commander';
import { API_HELP_GROUP } from './command-kit';
import { COMMAND_GROUPS } from './commands';
import { registerCompletionCommand } from './completion';

/** The whole CLI as a commander program: global options, every command group, completion. */
export function buildProgram(): Command {
  const program = new Command('pressluft')
    .description('Pressluft: WordPress hosting on your own servers. API commands work from any machine; local commands on the server.')
    .option('--json', 'print one JSON document on stdout (lists as {items: [...]}); diagnostics stay on stderr')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Environment:
  PRESSLUFT_URL, PRESSLUFT_TOKEN   the server and API token for API commands (override pressluft login)
  PRESSLUFT_DATA_DIR               the data directory for local commands (see docs/configuration.md)

Exit status: 0 on success, 1 on an error (one line on stderr, with the API's error code), 2 on a usage error.
Run pressluft <command> --help for a command's options.`,
    );
  for (const register of COMMAND_GROUPS) register(program);
  registerCompletionCommand(program, API_HELP_GROUP);
  return program;
}
