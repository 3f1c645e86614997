import { Param } from '@app/shared';

/** `GET /users/:id`: `optional :with_custom_attributes, type: Boolean, default: false` (admins only). */
export class ShowUserParams {
  @Param('boolean', { default: false }) with_custom_attributes?: boolean | null;
}
