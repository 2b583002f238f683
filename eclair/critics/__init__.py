"""eclair.critics"""
