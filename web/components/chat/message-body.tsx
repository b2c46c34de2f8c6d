// A message body as text nodes and links: React escapes the text, so a body is never HTML.
import { memo } from 'react';
import { linkify } from '@/lib/linkify';

export const MessageBody = memo(function MessageBody({ body, className = '' }: { body: string; className?: string }) {
  return (
    <p
      className={`text-[15px] leading-6 break-words whitespace-pre-wrap ${className}`}
      data-testid="message-body"
    >
      {linkify(body).map((p, i) =>
        p.kind === 'link' ? (
          <a
            key={i}
            href={p.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="text-accent-600 underline decoration-accent-600/30 underline-offset-2 hover:decoration-accent-600 dark:text-accent-400"
          >
            {p.text}
          </a>
        ) : (
          p.text
        ),
      )}
    </p>
  );
});
