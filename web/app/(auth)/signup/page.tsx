import { AuthForm } from '@/components/auth/auth-form';

export const metadata = { title: 'Create account · GopherChat' };

export default function SignupPage() {
  return <AuthForm mode="signup" />;
}
