/** Reads the /admin/ JSON API with the session cookie; an expired session reloads into the sign-in page. */
export async function getJson<Body>(
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<Body> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const url = query.size > 0 ? `${path}?${query}` : path;
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) {
    window.location.assign('/dashboard');
    throw new Error('The dashboard session ended; sign in again.');
  }
  const body: unknown = await response.json();
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body as Body;
}
