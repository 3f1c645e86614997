import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Authenticate } from '@app/shared';

/** Holds the document built once the application's routes are known. */
export class OpenApiDocument {
  value: OpenAPIObject | null = null;
}

@ApiExcludeController()
@Controller('api/v4')
@Authenticate('none')
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  get(): OpenAPIObject | { message: string } {
    return this.document.value ?? { message: 'The OpenAPI document is being built; retry in a moment' };
  }
}
