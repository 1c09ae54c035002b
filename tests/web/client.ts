// A small HTTP client for the web tests: a bearer token or a browser's cookie + CSRF token, every
// response kept so a test can assert that no secret ever came back.
export interface Caller {
  token?: string;
  cookie?: string;
  csrf?: string;
}

export interface Res {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export class WebClient {
  readonly seen: string[] = [];
  constructor(readonly base: string) {}

  async call(
    method: string,
    path: string,
    who: Caller = {},
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { ...extra };
    if (who.token) headers.authorization = `Bearer ${who.token}`;
    if (who.cookie) headers.cookie = who.cookie;
    if (who.csrf) headers['x-csrf-token'] = who.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    this.seen.push(
      text,
      [...res.headers.entries()]
        .filter(([k]) => k !== 'set-cookie')
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
    );
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (HTML, CSV, PNG)
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get(path: string, who?: Caller): Promise<Res> {
    return this.call('GET', path, who);
  }

  post(path: string, who?: Caller, body?: unknown): Promise<Res> {
    return this.call('POST', path, who, body);
  }

  /** Sign in with a one-time link: the browser's cookie and the session's CSRF token. */
  async signIn(link: string): Promise<Caller & { setCookie: string }> {
    const secret = link.split('#')[1] ?? '';
    const r = await this.call('POST', '/api/v1/session', {}, { link: secret });
    if (r.status !== 200) throw new Error(`sign-in refused: ${r.status} ${r.text}`);
    const setCookie = r.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0] ?? '';
    return { cookie, csrf: (r.body as { csrfToken: string }).csrfToken, setCookie };
  }
}
