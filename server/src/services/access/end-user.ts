/** What a content-API request's state holds once users-permissions has authenticated it. */
export interface AuthState {
  user?: { id?: unknown; updatedAt?: unknown; role?: { type?: string } | null };
  auth?: { strategy?: { name?: string } };
}

export interface EndUser {
  id: number;
  updatedAt?: unknown;
  role?: { type?: string } | null;
}

/**
 * The logged-in users-permissions user of a request, or null (anonymous, an API token, an admin): the has-tags
 * policy and `GET /api/customerly/me` serve end users only.
 */
export function endUserOf(state: AuthState): EndUser | null {
  const user = state.user;
  if (!user || typeof user.id !== 'number' || state.auth?.strategy?.name !== 'users-permissions') return null;
  return { id: user.id, updatedAt: user.updatedAt, role: user.role };
}
