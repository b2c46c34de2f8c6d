import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-full flex-col items-center justify-center gap-3 p-8 text-center">
      <p className="text-sm font-medium text-accent-600">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">This page does not exist</h1>
      <Link href="/" className="text-sm text-accent-600 hover:underline">
        Back to your conversations
      </Link>
    </main>
  );
}
