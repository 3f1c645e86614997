import { GitbeakerRequestError } from '@gitbeaker/rest';

/** How gitbeaker surfaced a failure: its error class, the HTTP status and the server's message. */
export async function failure(request: Promise<unknown>): Promise<{ error: string; status?: number; description?: string }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof GitbeakerRequestError) return { error: error.name, status: error.cause?.response.status, description: error.cause?.description };
    return { error: (error as Error).name, description: (error as Error).message };
  }
  throw new Error('expected the request to fail, but it succeeded');
}
