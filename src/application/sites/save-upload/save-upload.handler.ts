import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { SiteSettings } from '../../ports/site-settings.port';
import { StoredUpload, UploadStore } from '../../ports/upload-store.port';
import { SaveUploadCommand } from './save-upload.command';

export type SaveUploadResult = Pick<StoredUpload, 'id' | 'sha256' | 'size'>;

@CommandHandler(SaveUploadCommand)
export class SaveUploadHandler implements ICommandHandler<SaveUploadCommand, SaveUploadResult> {
  constructor(
    private readonly uploads: UploadStore,
    private readonly settings: SiteSettings,
  ) {}

  async execute(c: SaveUploadCommand): Promise<SaveUploadResult> {
    const limit = this.settings.uploadMaxBytes;
    if (c.declaredSize !== null && c.declaredSize > limit) {
      c.body.resume();
      throw new DomainError('PAYLOAD_TOO_LARGE', `upload of ${c.declaredSize} bytes exceeds the limit of ${limit} bytes`, { limit });
    }
    const upload = await this.uploads.save(c.body, limit, c.actor);
    return { id: upload.id, sha256: upload.sha256, size: upload.size };
  }
}
