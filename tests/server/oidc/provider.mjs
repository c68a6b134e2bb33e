// A real OpenID Connect provider on loopback for the server's sign-in tests: panva's
// oidc-provider (pinned in tests/e2e/package.json) with one confidential client and a test
// account that signs in without a form (the interaction is finished programmatically, the
// consent granted), so that a plain HTTP client can run the whole authorization code flow.
//
//   node provider.mjs MODULES PORT CLIENT_ID SECRET REDIRECT_URI
// MODULES: tests/e2e/node_modules. Prints "ready" once listening. POST /_test/account with a
// JSON account ({email, given_name, usual_name, siret}) chooses who signs in next.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, port, clientId, secret, redirectUri] = process.argv.slice(2);
const { default: Provider } = await import(
  pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href);

let account = { email: 'marie.curie@example.fr', given_name: 'Marie', usual_name: 'Curie',
                siret: '33000100900012' };
const subject = (email) => 'sub-' + Buffer.from(email).toString('hex').slice(0, 40);

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: secret, redirect_uris: [redirectUri],
              grant_types: ['authorization_code'], response_types: ['code'],
              token_endpoint_auth_method: 'client_secret_basic' }],
  claims: { openid: ['sub'], email: ['email'], given_name: ['given_name'],
            usual_name: ['usual_name'], siret: ['siret'], uid: ['uid'],
            organizational_unit: ['organizational_unit'] },
  scopes: ['openid', 'email', 'given_name', 'usual_name', 'siret', 'uid', 'organizational_unit'],
  cookies: { keys: ['grappe-test-only'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const who = id === subject(account.email) ? account : { email: '' };
    return { accountId: id, claims: async () => ({ sub: id, ...who }) };
  },
});
provider.proxy = false;

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/account' && ctx.method === 'POST') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    account = JSON.parse(body);
    ctx.body = { ok: true };
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: subject(account.email) } };
    } else {
      const grant = new provider.Grant({ accountId: details.session.accountId,
                                         clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  await next();
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
