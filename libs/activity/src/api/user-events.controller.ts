import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { GetUserBasics, UserLookup, UserNotFoundError } from '@app/identity';
import {
  APP_CONFIG,
  Authenticate,
  CurrentCaller,
  offsetPageOf,
  RequestParams,
  UsersApiScopes,
  type AppConfig,
  type Caller,
  type GitlabRequest,
  type ParsedParams,
} from '@app/shared';
import { TARGET_TYPE_FILTERS } from '../domain/ingestion/contribution-vocabulary.js';
import { ContributionEventsRepository } from '../infrastructure/contribution-events.repository.js';
import { ListUserEventsParams } from './dto/activity.params.js';
import { presentContributionEvent } from './presenters/contribution-event.presenter.js';

/**
 * `GET /users/:id/events`: the user's contribution events (GitLab's Events API), open to
 * anonymous callers. A profile the caller may not read gives an empty list, as GitLab's finder
 * does; each event is shown only where its project's visibility lets the caller see it.
 */
@UsersApiScopes()
@Controller('api/v4/users/:id_or_username/events')
@Authenticate('non_get')
export class UserEventsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly users: UserLookup,
    private readonly events: ContributionEventsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(
    @Req() req: GitlabRequest,
    @CurrentCaller() caller: Caller | undefined,
    @RequestParams(ListUserEventsParams) params: ParsedParams<ListUserEventsParams>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown[]> {
    const key = String(req.params.id_or_username);
    // An id goes straight to the one read; a username is resolved to its id first.
    const userId = /^\d+$/.test(key) ? Number(key) : (await this.users.byUsername(key))?.id;
    if (userId === undefined) throw new UserNotFoundError();
    const viewer = caller ? { id: caller.user.id, isAdmin: caller.user.isAdmin } : null;
    const [subject] = await this.queries.execute(new GetUserBasics([userId], viewer));
    if (!subject) throw new UserNotFoundError();
    const found = { id: subject.id };
    const filter = {
      action: params.action ?? null,
      targetType: params.target_type ? TARGET_TYPE_FILTERS[params.target_type] : null,
      before: params.before ?? null,
      after: params.after ?? null,
      sort: params.sort === 'asc' ? ('asc' as const) : ('desc' as const),
    };
    const eventViewer = viewer ? { id: viewer.id, seesAll: viewer.isAdmin || viewer.id === found.id } : null;
    return offsetPageOf(
      req,
      res,
      this.config.externalUrl,
      async (offset, limit) => {
        if (!subject.profileReadable) return { rows: [], total: 0 };
        const page = await this.events.page(found.id, filter, eventViewer, offset, limit);
        // Events of a deleted user's contributions belong to the ghost user: show whoever the row names.
        // The user's own entity is read already; only another author (the ghost) needs a read.
        const authors = new Map<number, Record<string, unknown>>([[subject.id, subject.entity]]);
        const others = [...new Set(page.rows.map((row) => row.author_id))].filter((id) => !authors.has(id));
        for (const author of others.length > 0 ? await this.queries.execute(new GetUserBasics(others)) : []) authors.set(author.id, author.entity);
        return { rows: page.rows.map((row) => presentContributionEvent(row, authors.get(row.author_id) ?? null)), total: page.total };
      },
      (entity) => entity,
    );
  }
}
