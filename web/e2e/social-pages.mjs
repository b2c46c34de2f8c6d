// Page-object steps for the social screens (friends, groups, blocks), on top of ChatPage.
const WAIT = { timeout: 15_000 };

/** @param {import('./pages.mjs').ChatPage} chat */
export function social(chat) {
  const { page } = chat;
  const t = (id) => chat.byTest(id);
  return {
    async openFriends() {
      await t('open-friends').click();
      await t('friends-panel').waitFor(WAIT);
    },
    async closeDialog() {
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached', ...WAIT });
    },
    async sendFriendRequest(username) {
      await this.openFriends();
      await t('tab-add').click();
      await t('add-friend-search').fill(username);
      const row = t('add-friend-result').filter({ hasText: username });
      await row.getByTestId('send-request').click();
      await row.getByTestId('request-sent').waitFor(WAIT);
    },
    friendRow(username) {
      return t('friend').and(page.locator(`[data-username="${username}"]`));
    },
    async createGroup(name, { members = [], isPublic = false, screenshot } = {}) {
      await t('open-groups').click();
      await t('groups-dialog').waitFor(WAIT);
      await t('tab-create').click();
      await t('group-name').fill(name);
      await t('group-description').fill(`All about ${name}`);
      if (isPublic) await t('group-public').check();
      for (const m of members) {
        await t('group-member-picker-search').fill(m);
        await t('group-member-picker-result').filter({ hasText: m }).getByTestId('pick-member').click();
        await t('picked-member').filter({ hasText: m }).waitFor(WAIT);
      }
      if (screenshot) await chat.shot(screenshot);
      await t('create-group').click();
      await t('conversation-header').filter({ hasText: name }).waitFor(WAIT);
    },
    async openGroupInfo() {
      await t('open-group-info').click();
      await t('group-info').waitFor(WAIT);
    },
    member(username) {
      return t('member').and(page.locator(`[data-username="${username}"]`));
    },
    async addMember(username) {
      await t('add-member-search').fill(username);
      await t('add-member-result').filter({ hasText: username }).getByTestId('add-member-button').click();
      await this.member(username).waitFor(WAIT);
    },
    systemNote(text) {
      return t('system-note').filter({ hasText: text });
    },
  };
}
