import { looksLikeSse, parseSse, serializeSse } from '../../functions/lib/http/sse';

test('parses events: fields, multi-line data, comments, CRLF, an unterminated last event', () => {
  const text = ': keep-alive\r\nid: 1\r\nevent: message\r\ndata: {"a":\r\ndata:1}\r\n\r\nretry: 500\n\ndata:no-space';
  expect(parseSse(text)).toEqual([
    { id: '1', event: 'message', retry: undefined, data: '{"a":\n1}' },
    { id: undefined, event: undefined, retry: '500', data: undefined },
    { id: undefined, event: undefined, retry: undefined, data: 'no-space' },
  ]);
});

test('serializes back to something that parses to the same events', () => {
  const events = [{ id: '7', event: 'message', data: 'line one\nline two' }, { data: '' }];
  expect(serializeSse(events)).toBe('id: 7\nevent: message\ndata: line one\ndata: line two\n\ndata: \n\n');
  expect(parseSse(serializeSse(events))).toEqual(events.map((e) => ({ id: undefined, event: undefined, retry: undefined, ...e })));
});

test.each([
  ['event: message\ndata: {}', true],
  ['data: {}', true],
  [': comment', true],
  ['{"jsonrpc":"2.0"}', false],
  ['database: x', false],
])('looksLikeSse(%j) is %s', (text, expected) => {
  expect(looksLikeSse(text)).toBe(expected);
});
