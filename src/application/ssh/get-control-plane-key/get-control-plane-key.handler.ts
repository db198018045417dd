import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ControlPlaneKey } from '../../ports/remote-shell.port';
import { GetControlPlaneKeyQuery } from './get-control-plane-key.query';

export interface ControlPlaneKeyView {
  /** One OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
  publicKey: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

@QueryHandler(GetControlPlaneKeyQuery)
export class GetControlPlaneKeyHandler implements IQueryHandler<GetControlPlaneKeyQuery, ControlPlaneKeyView> {
  constructor(private readonly key: ControlPlaneKey) {}

  async execute(): Promise<ControlPlaneKeyView> {
    return { publicKey: this.key.publicKey(), fingerprint: this.key.fingerprint() };
  }
}
