import { AuthForm } from '@/components/auth/auth-form';

export const metadata = { title: 'Sign in · GopherChat' };

export default function LoginPage() {
  return <AuthForm mode="login" />;
}
