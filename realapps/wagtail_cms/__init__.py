"""A Wagtail CMS site: the admin at /admin/, a News section of article pages, editors and moderators."""
