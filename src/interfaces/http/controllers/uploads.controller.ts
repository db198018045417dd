import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { SaveUploadCommand } from '../../../application/sites/save-upload/save-upload.command';
import type { SaveUploadResult } from '../../../application/sites/save-upload/save-upload.handler';
import { DomainError } from '../../../domain/common/domain-error';
import { Meta } from '../command-meta.decorator';
import type { CommandMeta } from '../../../application/common/command-meta';

/** Content types whose body reaches the handler as the raw stream (registered in createHttpApp). */
export const RAW_UPLOAD_CONTENT_TYPES = ['application/gzip', 'application/x-gzip'];

@ApiTags('uploads')
@Controller('api/v1/uploads')
export class UploadsController {
  constructor(private readonly commands: CommandBus) {}

  /** A deploy archive (.tar.gz) as the raw body, streamed to the data directory: `201 {uploadId, sha256, size}`. */
  @Post()
  @HttpCode(201)
  @ApiConsumes(...RAW_UPLOAD_CONTENT_TYPES)
  async upload(@Req() request: FastifyRequest, @Meta() meta: CommandMeta) {
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!RAW_UPLOAD_CONTENT_TYPES.includes(type)) {
      throw new DomainError('VALIDATION_FAILED', 'send the archive as the raw body with Content-Type: application/gzip', { field: 'content-type' });
    }
    const length = request.headers['content-length'];
    const declared = length === undefined ? null : Number(length);
    const result = await this.commands.execute<SaveUploadCommand, SaveUploadResult>(
      new SaveUploadCommand(request.body as Readable, Number.isFinite(declared) ? declared : null, meta.actor),
    );
    return { uploadId: result.id, sha256: result.sha256, size: result.size };
  }
}
