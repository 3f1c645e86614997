import { ModelInvalidError, NotFoundError } from '@app/kernel';

/** 404 `{"message":"404 Custom Attribute Not Found"}` (GET of a missing key). */
export class CustomAttributeNotFoundError extends NotFoundError {
  constructor(resource: 'Custom Attribute' | 'Custom attribute' = 'Custom Attribute') {
    super(resource, 'identity.custom_attribute_not_found');
  }
}

/** 400 `{"message":{"value":["can't be blank"]}}`: GitLab's CustomAttribute model validations. */
export class CustomAttributeInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'identity.custom_attribute_invalid');
  }
}
