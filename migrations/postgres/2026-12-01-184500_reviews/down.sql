DROP TABLE campaign_reviews;
