import type { Provider } from '@nestjs/common';
import { RemoteRunner } from '../application/ports/remote-runner.port';
import { ControlPlaneKey, RemoteShell } from '../application/ports/remote-shell.port';
import type { Settings } from './config/settings';
import { AnsibleRemoteRunner } from './remote-runner/ansible-remote-runner';
import { SqliteRunStore } from './remote-runner/sqlite-run-store';
import { openDataDirSecretBox } from './secrets/data-dir-secret-box';
import { SecretBox } from './secrets/secret-box';
import { Database } from './sqlite/database';
import { FileControlPlaneKey } from './ssh/file-control-plane-key';
import { Ssh2RemoteShell } from './ssh/ssh2-remote-shell';
import { DATABASE } from './tokens';

/** SSH execution and the detached remote runner: secret box, control plane key, pooled shell, runner. */
export function remoteExecutionProviders(settings: Settings): Provider[] {
  return [
    { provide: SecretBox, useFactory: (db: Database) => openDataDirSecretBox(settings.dataDir, db), inject: [DATABASE] },
    { provide: FileControlPlaneKey, useFactory: (box: SecretBox) => FileControlPlaneKey.loadOrCreate(settings.dataDir, box), inject: [SecretBox] },
    { provide: ControlPlaneKey, useExisting: FileControlPlaneKey },
    { provide: Ssh2RemoteShell, useFactory: (key: FileControlPlaneKey) => new Ssh2RemoteShell(key, { connectTimeoutMs: settings.sshConnectTimeoutMs }), inject: [FileControlPlaneKey] },
    { provide: RemoteShell, useExisting: Ssh2RemoteShell },
    { provide: SqliteRunStore, useFactory: (db: Database) => new SqliteRunStore(db), inject: [DATABASE] },
    {
      provide: RemoteRunner,
      useFactory: (shell: Ssh2RemoteShell, store: SqliteRunStore) =>
        new AnsibleRemoteRunner(shell, store, {
          playbooksDir: settings.playbooksDir,
          remoteRoot: settings.remoteRoot,
          pollIntervalMs: settings.runPollMs,
        }),
      inject: [Ssh2RemoteShell, SqliteRunStore],
    },
  ];
}
