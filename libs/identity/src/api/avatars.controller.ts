import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Authenticate, NotFoundError, NumericParams, type GitlabRequest } from '@app/shared';
import { AvatarStore } from '../infrastructure/avatar-store.js';

/**
 * Serves uploaded user avatars where `avatar_url` points. User avatars are public in GitLab
 * (`Avatarable#uncached_avatar_path`: only private groups and projects need authentication), so
 * credentials are not even looked at. The ETag is the file's SHA-256.
 */
@Controller('uploads/-/system/user/avatar')
@NumericParams('id')
export class AvatarsController {
  constructor(private readonly avatars: AvatarStore) {}

  @Get(':id/:filename')
  @Authenticate('none')
  async show(@Req() req: GitlabRequest, @Res() res: Response): Promise<void> {
    const avatar = await this.avatars.find(Number(req.params.id), String(req.params.filename));
    if (!avatar) throw new NotFoundError(null, 'identity.avatar_not_found');
    const etag = `"${avatar.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `inline; filename="${avatar.filename}"`);
    const match = req.headers['if-none-match'];
    if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', avatar.contentType);
    res.setHeader('Content-Length', String(avatar.bytes.length));
    res.status(200).end(avatar.bytes);
  }
}
