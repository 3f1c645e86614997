import { Param } from '@app/shared';

export class AddGpgKeyParams {
  @Param('string', { required: true }) key!: string;
}

export class GpgKeyIdParams {
  @Param('integer', { required: true }) key_id!: number;
}
