'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '@/lib/api';
import { checkEmail, checkPassword, checkUsername } from '@/lib/validation';
import { useSession } from '@/components/session-provider';
import { TextField } from './text-field';

type Mode = 'login' | 'signup';

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const { session, signedIn } = useSession();
  const [fields, setFields] = useState({ login: '', username: '', email: '', password: '' });
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (session.status === 'signed-in') router.replace('/');
  }, [session, router]);

  const problems: Record<string, string | null> =
    mode === 'signup'
      ? {
          username: checkUsername(fields.username),
          email: checkEmail(fields.email),
          password: checkPassword(fields.password),
        }
      : {
          login: fields.login.trim() ? null : 'Enter your username or email',
          password: fields.password ? null : 'Enter your password',
        };
  const invalid = Object.values(problems).some(Boolean);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (invalid || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { user } =
        mode === 'signup'
          ? await api.register(fields.username, fields.email, fields.password)
          : await api.login(fields.login.trim(), fields.password);
      signedIn(user);
      router.replace('/');
    } catch (err) {
      setError(err instanceof ApiError ? humanError(err) : 'Something went wrong');
      setBusy(false);
    }
  }

  const set = (k: keyof typeof fields) => (v: string) => setFields((f) => ({ ...f, [k]: v }));
  const show = (k: string) => (touched ? (problems[k] ?? null) : null);

  return (
    <form onSubmit={submit} noValidate aria-labelledby="auth-title" className="space-y-5">
      <div className="space-y-1">
        <h1 id="auth-title" className="text-lg font-semibold tracking-tight">
          {mode === 'login' ? 'Welcome back' : 'Create your account'}
        </h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          {mode === 'login' ? 'Sign in to pick up where you left off.' : 'It takes ten seconds.'}
        </p>
      </div>
      {mode === 'login' ? (
        <TextField
          label="Username or email"
          name="login"
          autoComplete="username"
          value={fields.login}
          onChange={set('login')}
          error={show('login')}
          autoFocus
        />
      ) : (
        <>
          <TextField
            label="Username"
            name="username"
            autoComplete="username"
            value={fields.username}
            onChange={set('username')}
            error={show('username')}
            hint="Letters, digits and _, 3–32 characters"
            autoFocus
          />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            value={fields.email}
            onChange={set('email')}
            error={show('email')}
          />
        </>
      )}
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        value={fields.password}
        onChange={set('password')}
        error={show('password')}
        hint={mode === 'signup' ? 'At least 8 characters' : undefined}
      />
      {error && (
        <p
          role="alert"
          data-testid="auth-error"
          className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300"
        >
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="flex h-10 w-full items-center justify-center rounded-lg bg-accent-600 text-sm font-medium text-white shadow-sm transition hover:bg-accent-700 disabled:opacity-60"
      >
        {busy ? 'One moment…' : mode === 'login' ? 'Sign in' : 'Create account'}
      </button>
      <p className="text-center text-sm text-zinc-500 dark:text-zinc-400">
        {mode === 'login' ? 'New here? ' : 'Already have an account? '}
        <Link
          href={mode === 'login' ? '/signup/' : '/login/'}
          className="font-medium text-accent-600 hover:underline dark:text-accent-400"
        >
          {mode === 'login' ? 'Create an account' : 'Sign in'}
        </Link>
      </p>
    </form>
  );
}

function humanError(err: ApiError): string {
  switch (err.code) {
    case 'username_taken':
      return 'That username is taken.';
    case 'email_taken':
      return 'An account with that email already exists.';
    case 'unauthorized':
      return 'Wrong username, email or password.';
    case 'rate_limited':
      return 'Too many attempts. Try again in a minute.';
    case 'network':
      return 'Cannot reach the server. Check your connection.';
    default:
      return err.message;
  }
}
