import { parseBasicCredentials } from '../../functions/lib/oauth/basic-credentials';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

test('RFC 6749 §2.3.1: id and secret are form-urlencoded inside the Basic header', () => {
  expect(parseBasicCredentials(basic('my%3Aclient:s%2Bcr+t'))).toEqual({ kind: 'ok', id: 'my:client', secret: 's+cr t' });
  expect(parseBasicCredentials(`  ${basic('id:')}  `)).toEqual({ kind: 'ok', id: 'id', secret: '' });
});

test('not Basic, or no colon: unsupported; bad percent-encoding: malformed', () => {
  expect(parseBasicCredentials('Bearer abc')).toEqual({ kind: 'unsupported' });
  expect(parseBasicCredentials(basic('no-colon'))).toEqual({ kind: 'unsupported' });
  expect(parseBasicCredentials(basic('%E0%A4%A:secret'))).toEqual({ kind: 'malformed' });
});
