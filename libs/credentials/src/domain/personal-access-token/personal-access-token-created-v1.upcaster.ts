import { versionStep, type Upcaster } from '@app/kernel';
import {
  PERSONAL_ACCESS_TOKEN_CREATED,
  type PersonalAccessTokenCreatedData,
  type PersonalAccessTokenCreatedV1Data,
} from './personal-access-token.events.js';

/** v1 → v2: v1 did not record the owner's username, and it cannot be known from the event alone, so it reads as null. */
export function upcastTokenCreatedV1(data: PersonalAccessTokenCreatedV1Data): PersonalAccessTokenCreatedData {
  return { ...data, username: null };
}

export const PERSONAL_ACCESS_TOKEN_CREATED_V1_UPCASTER: Upcaster = versionStep(PERSONAL_ACCESS_TOKEN_CREATED, 1, (data) =>
  upcastTokenCreatedV1(data as PersonalAccessTokenCreatedV1Data),
);
