// A test-controlled OpenID issuer for the ID-token attacks a real provider cannot be made to
// commit: discovery, JWKS, an authorization endpoint that answers at once, a token endpoint that
// mints the ID token the test asks for, userinfo. Node's own crypto only.
//
//   node fake_issuer.mjs PORT CLIENT_ID SECRET
// Prints "ready". POST /_mode {"mode":…,"email":…,"sub":…} picks the next tokens (the subject
// is sub-fake-1 unless given): ok, es256, wrong-sig, wrong-aud, wrong-iss, expired, future-iat,
// wrong-nonce, alg-none, hs256, rotate, unknown-kid, no-email, several-aud, email-verified,
// email-unverified, unverified-userinfo (the e-mail only from userinfo, not verified).
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';

const [port, clientId, secret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = { a: rsa(), e1: generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
let published = ['a', 'e1'];
let mode = 'ok';
let email = 'marie.curie@example.fr';
let subject = 'sub-fake-1';
const codes = new Map();

function jwks() {
  return { keys: published.map((kid) => ({ ...keys[kid].publicKey.export({ format: 'jwk' }),
                                           kid, use: 'sig',
                                           alg: kid.startsWith('e') ? 'ES256' : 'RS256' })) };
}

function jwt(header, claims, signer) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${signer ? b64u(signer(input)) : ''}`;
}

function idToken(nonce) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, aud: clientId, sub: subject, email, given_name: 'Marie',
                   usual_name: 'Curie', siret: '33000100900012', iat: now, exp: now + 300,
                   nonce };
  let kid = 'a';
  let key = keys.a.privateKey;
  if (mode === 'wrong-aud') claims.aud = 'another-client';
  if (mode === 'several-aud') claims.aud = [clientId, 'another-client'];
  if (mode === 'wrong-iss') claims.iss = 'http://127.0.0.1:1';
  if (mode === 'expired') { claims.iat = now - 3600; claims.exp = now - 600; }
  if (mode === 'future-iat') claims.iat = now + 600;
  if (mode === 'wrong-nonce') claims.nonce = 'not-the-nonce';
  if (mode === 'no-email' || mode === 'unverified-userinfo') delete claims.email;
  if (mode === 'email-verified') claims.email_verified = true;
  if (mode === 'email-unverified') claims.email_verified = false;
  if (mode === 'alg-none') return jwt({ alg: 'none', kid: 'a' }, claims, null);
  if (mode === 'hs256') {
    return jwt({ alg: 'HS256', kid: 'a' }, claims,
               (input) => createHmac('sha256', secret).update(input).digest());
  }
  if (mode === 'es256') {
    return jwt({ alg: 'ES256', kid: 'e1' }, claims,
               (input) => sign('sha256', Buffer.from(input),
                               { key: keys.e1.privateKey, dsaEncoding: 'ieee-p1363' }));
  }
  if (mode === 'wrong-sig') key = rsa().privateKey;
  if (mode === 'rotate') {
    keys.b = keys.b || rsa();
    published = ['b'];
    kid = 'b';
    key = keys.b.privateKey;
  }
  if (mode === 'unknown-kid') { kid = 'zz'; key = rsa().privateKey; }
  return jwt({ alg: 'RS256', kid, typ: 'JWT' }, claims,
             (input) => sign('sha256', Buffer.from(input), key));
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const url = new URL(req.url, issuer);
  if (url.pathname === '/.well-known/openid-configuration') {
    return send(res, 200, { issuer, authorization_endpoint: `${issuer}/authorize`,
                            token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
                            userinfo_endpoint: `${issuer}/userinfo`,
                            token_endpoint_auth_methods_supported: ['client_secret_post'] });
  }
  if (url.pathname === '/jwks') return send(res, 200, jwks());
  if (url.pathname === '/_mode') {
    ({ mode, email = email, sub: subject = 'sub-fake-1' } = JSON.parse(body));
    return send(res, 200, { mode });
  }
  if (url.pathname === '/authorize') {
    const p = url.searchParams;
    if (p.get('client_id') !== clientId || p.get('code_challenge_method') !== 'S256') {
      return send(res, 400, { error: 'invalid_request' });
    }
    const code = b64u(randomBytes(16));
    codes.set(code, { nonce: p.get('nonce'), challenge: p.get('code_challenge') });
    const back = new URL(p.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', p.get('state'));
    return send(res, 302, '', { location: back.href });
  }
  if (url.pathname === '/token') {
    const form = new URLSearchParams(body);
    const grant = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    const verifier = form.get('code_verifier') || '';
    if (form.get('client_id') !== clientId || form.get('client_secret') !== secret || !grant ||
        b64u(createHash('sha256').update(verifier).digest()) !== grant.challenge) {
      return send(res, 400, { error: 'invalid_grant' });
    }
    return send(res, 200, { access_token: 'at-' + b64u(randomBytes(8)), token_type: 'Bearer',
                            id_token: idToken(grant.nonce), expires_in: 300 });
  }
  if (url.pathname === '/userinfo') {
    if (!(req.headers.authorization || '').startsWith('Bearer at-')) return send(res, 401, {});
    const verified = mode === 'unverified-userinfo' ? { email_verified: false } : {};
    return send(res, 200, { sub: subject, email, given_name: 'Marie', usual_name: 'Curie',
                            ...verified });
  }
  send(res, 404, { error: 'not_found' });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
