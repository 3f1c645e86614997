import { Param } from '@app/shared';

export const USER_ORDER_BY = ['id', 'name', 'username', 'created_at', 'updated_at'] as const;

/** `GET /users` (filters beyond these arrive with the full identity issue). */
export class ListUsersParams {
  @Param('string') username?: string | null;
  @Param('string') search?: string | null;
  @Param('string', { values: USER_ORDER_BY }) order_by?: (typeof USER_ORDER_BY)[number] | null;
  @Param('string', { values: ['asc', 'desc'] }) sort?: 'asc' | 'desc' | null;
  // Grape's `use :pagination` comes after the sort params: declared here so errors join in that order.
  @Param('integer') page?: number | null;
  @Param('integer', { exceptValues: [0] }) per_page?: number | null;
}
