// A real OpenID Connect provider on loopback for the browser tests: panva's certified
// oidc-provider (pinned in package-lock.json), with one confidential client (authorization code,
// PKCE) and its development login form: any login is accepted with any password, and the login
// names the account, whose claims are ProConnect's (`email`, `given_name`, `usual_name`, `uid`,
// `siret`, `organizational_unit`, each a scope of its own as ProConnect has them). Consent is
// granted at once (a first-party client). The provider's own page loads a web font from outside:
// pages that visit it see a failed load in their console (see FONT_ERROR).
import {randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Provider from 'oidc-provider';

export const FONT_ERROR =
    /fonts\.googleapis|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/;

const CLAIMS = ['email', 'given_name', 'usual_name', 'uid', 'siret', 'organizational_unit'];

// accounts: login → claims (the login is the subject); an unknown login gets
// `<login>@example.fr`. redirectUri: the relying party's callback. secretDir: where the client
// secret's file goes. Resolves with {issuer, clientId, secretFile, stop()}.
export async function startProvider({redirectUri, accounts = {}, secretDir}) {
  const clientId = 'grappe-e2e';
  const clientSecret = randomBytes(24).toString('base64url');
  const secretFile = path.join(secretDir, 'oidc-client-secret');
  writeFileSync(secretFile, `${clientSecret}\n`, {mode: 0o600});
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: {openid: ['sub'], ...Object.fromEntries(CLAIMS.map((c) => [c, [c]]))},
    scopes: ['openid', ...CLAIMS],
    pkce: {required: () => true},
    cookies: {keys: [randomBytes(16).toString('hex')]},
    features: {devInteractions: {enabled: true}},
    findAccount: (ctx, sub) => ({
      accountId: sub,
      claims: () => ({sub, email: `${sub}@example.fr`, ...accounts[sub]}),
    }),
    // First-party client: every scope asked is granted without a consent page.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant(
          {clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId});
      grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  const callback = provider.callback();
  // No icon: the browser's request for one would log a 404 in the page's console.
  server.on('request', (req, res) => req.url === '/favicon.ico' ? res.writeHead(204).end() :
                                                                  callback(req, res));
  return {
    issuer,
    clientId,
    secretFile,
    provider,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

// Fills the provider's login form (login, any password) on `page`, already on it.
export async function providerLogin(page, login) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('mot-de-passe');
  await page.locator('button[type="submit"]').click();
}
