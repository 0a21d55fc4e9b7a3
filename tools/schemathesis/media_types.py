"""Bodies schemathesis cannot make by itself: raw e-mails (message/rfc822)
for the mail relay, as mail clients write them and as garbage."""

import schemathesis
from hypothesis import strategies as st

_HEADERS = st.sampled_from([
    b"From: Alice <alice@example.com>\r\n",
    b"From: =?gb2312?B?1cXOsA==?= <z@huaxin.example.cn>\r\n",
    b"Subject: =?utf-8?q?stream_is_down?=\r\n", b"Subject: [SKB-1] Re: update\r\n",
    b"Message-ID: <fuzz@example.com>\r\n",
    b"In-Reply-To: <skb.1.1@streamline-kb.example.com>\r\n",
    b"Auto-Submitted: auto-replied\r\n", b"Precedence: bulk\r\n", b"Return-Path: <>\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n", b"Content-Type: text/html; charset=big5\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"MIME-Version: 1.0\r\n",
])
_BODIES = st.sampled_from([
    b"\r\nhello\r\n", b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
    b"\r\n<p>\xa4\xa4</p><script>x</script>\r\n", b"\r\n",
])

schemathesis.openapi.media_type(
    "message/rfc822",
    st.one_of(
        st.builds(lambda headers, body: b"".join(headers) + body,
                  st.lists(_HEADERS, max_size=8), _BODIES),
        st.binary(min_size=1, max_size=2000),
    ),
)
