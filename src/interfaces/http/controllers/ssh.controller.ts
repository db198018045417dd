import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { ControlPlaneKeyView } from '../../../application/ssh/get-control-plane-key/get-control-plane-key.handler';
import { GetControlPlaneKeyQuery } from '../../../application/ssh/get-control-plane-key/get-control-plane-key.query';

@ApiTags('ssh')
@Controller('api/v1/ssh')
export class SshController {
  constructor(private readonly queries: QueryBus) {}

  /** The control plane's public key for a node's authorized_keys: `{publicKey, fingerprint}`. */
  @Get('public-key')
  publicKey(): Promise<ControlPlaneKeyView> {
    return this.queries.execute<GetControlPlaneKeyQuery, ControlPlaneKeyView>(new GetControlPlaneKeyQuery());
  }
}
