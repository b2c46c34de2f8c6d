export function Logo({ className = '' }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true">
      <rect width="64" height="64" rx="16" className="fill-accent-600" />
      <path
        d="M18 22a6 6 0 0 1 6-6h16a6 6 0 0 1 6 6v12a6 6 0 0 1-6 6H30l-8 7v-7a6 6 0 0 1-4-5.6z"
        fill="#fff"
      />
      <circle cx="27" cy="28" r="2.5" className="fill-accent-600" />
      <circle cx="37" cy="28" r="2.5" className="fill-accent-600" />
    </svg>
  );
}
