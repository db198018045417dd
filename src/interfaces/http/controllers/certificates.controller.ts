import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CertificateView } from '../../../application/certificates/certificate.view';
import { ListCertificatesQuery } from '../../../application/certificates/list-certificates/list-certificates.query';
import { RequestCertificateCommand } from '../../../application/certificates/request-certificate/request-certificate.command';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { CommandResult } from '../../../application/common/command-result';
import { Meta } from '../command-meta.decorator';
import { RequestCertificateDto } from '../dto/certificate.dto';
import { EnvParam, IdParam } from '../params';
import { jobRef } from './job-ref';

/** The HTTPS certificate of a site environment (docs/tls.md): issue or renew now, HSTS on/off, list with expiry. */
@ApiTags('certificates')
@Controller('api/v1/sites')
export class CertificatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':id/environments/:env/certificates')
  @HttpCode(202)
  async request(@IdParam() id: string, @EnvParam() env: string, @Body() body: RequestCertificateDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestCertificateCommand, CommandResult>(
      new RequestCertificateCommand(id, env, { force: body.force, hsts: body.hsts, reason: 'operator' }, meta),
    );
    return { version: result.version, job: jobRef(result) };
  }

  @Get(':id/environments/:env/certificates')
  async list(@IdParam() id: string, @EnvParam() env: string): Promise<{ items: CertificateView[] }> {
    return { items: await this.queries.execute<ListCertificatesQuery, CertificateView[]>(new ListCertificatesQuery(id, env)) };
  }

  @Get(':id/certificates')
  async listOfSite(@IdParam() id: string): Promise<{ items: CertificateView[] }> {
    return { items: await this.queries.execute<ListCertificatesQuery, CertificateView[]>(new ListCertificatesQuery(id)) };
  }
}
